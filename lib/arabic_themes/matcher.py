"""The token engine: every hit of a set of terms in normalised text, inside given units, in one pass.

Used by :func:`~arabic_themes.coding.code_sentences` and :func:`~arabic_themes.concordance.kwic`;
it finds what the regular expressions of :func:`~arabic_themes.terms.compile_term` find (property
tests compare them), at array speed:

1. *Word forms, once per set of terms.* Every form a word of a term accepts — proclitic × core ×
   pronoun suffix — is listed in a dictionary (stems ``word*``: proclitic × stem, matched on the
   token's prefixes), and as sorted hash tables of 64-bit keys, so a token is matched by one or a
   few look-ups.
2. *Tokens without a Python string each* (:mod:`arabic_themes.tokens`): the text's tokens are
   packed into 64-bit keys and grouped into types (distinct words); only the types are looked up,
   all at once.
3. *Hits from (token, atom) pairs.* Each matched token inside a unit gives one pair per atom (a
   word's core, suffix mode and clitics) it is a form of; a one-word term's hits are the pairs of
   its atoms (one table look-up, no sort); the terms of several words are found from those pairs
   all at once, each from its rarest word (:mod:`arabic_themes.phrases`).
4. ``re:`` terms run per unit (:mod:`arabic_themes.rawregex`), only on units that hold a character
   a match can start with.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence

import numpy as np

from arabic_themes._arrays import ranges
from arabic_themes.phrases import Phrases
from arabic_themes.rawregex import BUDGET_STEPS, RawRegex, compile_raw, first_chars
from arabic_themes.terms import _PROCLITIC_FORMS, PRONOUN_SUFFIXES, _parse_term, _Term, _Word
from arabic_themes.tokens import _CHAR_BYTE as _CHAR_BYTE  # learned.py imports these two from here
from arabic_themes.tokens import _KEY_MAX, Tokens, _KeyTable, _prefix, token_layout, tokenize
from arabic_themes.tokens import _string_keys as _string_keys

__all__ = ["Matcher", "Tokens", "matcher_for", "token_layout", "tokenize"]

Hits = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # term index, start, end, unit


class Matcher:
    """All hits of a set of terms (see the module docstring); built once per set of terms."""

    def __init__(self, terms: Sequence[str]):
        self.terms: list[_Term] = [_parse_term(t) for t in terms]
        self.word_ids: dict[_Word, int] = {}
        for term in self.terms:
            for word in term.words:
                self.word_ids.setdefault(word, len(self.word_ids))
        # a word is a set of atoms (core, suffix mode, clitics): {لا|لم} and لا share the atom لا, so a token
        # is matched to the few atoms it is a form of, not to every word that contains them
        self.atoms: dict[tuple[str, str, bool], int] = {}
        word_atoms: list[set[int]] = [set() for _ in self.word_ids]
        for word, wid in self.word_ids.items():
            for core, mode in word.options:
                word_atoms[wid].add(self.atoms.setdefault((core, mode, word.clitics), len(self.atoms)))
        self.word_atoms = [tuple(sorted(a)) for a in word_atoms]
        forms: dict[str, set[int]] = {}
        stem_forms: dict[str, set[int]] = {}
        for (core, mode, clitics), atom in self.atoms.items():
            prefixes = _PROCLITIC_FORMS if clitics else ("",)
            if mode == "any":
                for p in prefixes:
                    stem_forms.setdefault(p + core, set()).add(atom)
                continue
            suffixes = ("", *PRONOUN_SUFFIXES) if mode == "pronoun" else ("",)
            for p, s in itertools.product(prefixes, suffixes):
                forms.setdefault(p + core + s, set()).add(atom)
        self.forms = {f: tuple(sorted(w)) for f, w in forms.items()}
        self.stem_forms = {f: tuple(sorted(w)) for f, w in stem_forms.items()}
        self.stem_lengths = sorted({len(f) for f in self.stem_forms})
        self.form_table = _KeyTable(self.forms)
        self.stem_tables = {
            n: _KeyTable({f: w for f, w in self.stem_forms.items() if len(f) == n})
            for n in self.stem_lengths
            if n <= _KEY_MAX
        }
        # two forms sharing a hash would hide one of them: then every word is matched as a string
        self.use_keys = self.form_table.exact and all(t.exact for t in self.stem_tables.values())
        self.regexes: list[tuple[int, RawRegex, np.ndarray | None]] = []
        single_terms, single_words = [], []
        self.multi: list[int] = []
        for t_index, term in enumerate(self.terms):
            if term.regex is not None:
                regex = compile_raw(term.regex)
                self.regexes.append((t_index, regex, first_chars(regex)))
            elif len(term.words) == 1:
                single_terms.append(t_index)
                single_words.append(self.word_ids[term.words[0]])
            else:
                self.multi.append(t_index)
        # the one-word terms of each atom (CSR): a token that is a form of the atom is a hit of them
        pairs = sorted((a, t) for t, w in zip(single_terms, single_words, strict=True) for a in self.word_atoms[w])
        self.single_terms = np.asarray([t for _, t in pairs], dtype=np.int64)
        atoms = np.asarray([a for a, _ in pairs], dtype=np.int64)
        self.single_bounds = np.searchsorted(atoms, np.arange(len(self.atoms) + 1))
        self.phrases = Phrases([self.terms[t] for t in self.multi], self.word_ids, self.word_atoms)

    def match_word(self, token: str) -> tuple[int, ...]:
        """Ids of the atoms of the terms' words that the token ``token`` (a ``\\w+`` run) is a form of."""
        found = self.forms.get(token, ())
        for length in self.stem_lengths:
            if length > len(token):
                break
            more = self.stem_forms.get(token[:length])
            if more:
                found = (*found, *more)
        return tuple(sorted(set(found))) if len(found) > 1 else found

    def _type_words(
        self, lengths: np.ndarray, k1: np.ndarray, k2: np.ndarray, strings: list[str]
    ) -> tuple[np.ndarray, np.ndarray]:
        """CSR arrays: the word ids of type ``j`` are ``flat[bounds[j]:bounds[j + 1]]``. Keyed types are
        looked up in the key tables (forms, then the prefixes of each stem length), all at once;
        the rest as strings."""
        n_keyed = k1.size
        tables = [(self.form_table, np.arange(n_keyed), k1, k2)]
        for n, table in self.stem_tables.items():
            long_enough = np.flatnonzero(lengths >= n)
            tables.append((table, long_enough, *_prefix(k1[long_enough], k2[long_enough], n)))
        type_parts, word_parts = [], []
        for table, candidates, q1, q2 in tables:
            query, form = table.find(q1, q2)
            counts = table.bounds[form + 1] - table.bounds[form]
            type_parts.append(np.repeat(candidates[query], counts))
            offsets = np.repeat(table.bounds[form] - (np.cumsum(counts) - counts), counts)
            word_parts.append(table.ids[offsets + np.arange(int(counts.sum()))])
        for j, token in enumerate(strings, start=n_keyed):
            ids = self.match_word(token)
            type_parts.append(np.full(len(ids), j, dtype=np.int64))
            word_parts.append(np.asarray(ids, dtype=np.int64))
        pair_types = np.concatenate(type_parts) if type_parts else np.empty(0, dtype=np.int64)
        pair_words = np.concatenate(word_parts) if word_parts else np.empty(0, dtype=np.int64)
        pairs = np.unique(pair_types * max(len(self.atoms), 1) + pair_words)
        pair_types, pair_words = np.divmod(pairs, max(len(self.atoms), 1))
        bounds = np.searchsorted(pair_types, np.arange(n_keyed + len(strings) + 1))
        return pair_words, bounds

    def hits(
        self,
        text: str,
        codes: np.ndarray,
        unit_starts: np.ndarray,
        unit_ends: np.ndarray,
        tokens: Tokens | None = None,
    ) -> Hits:
        """All hits in normalised ``text`` (code points ``codes``) inside the units
        ``unit_starts[i]:unit_ends[i]`` (sorted, not overlapping), as arrays (term index, start, end,
        unit): every start of every term, none across units. ``tokens`` is the text's
        :func:`tokenize` when the caller has it already.

        A word term reports, for each start, the end its regular expression would match on the unit
        alone (at each ``..`` gap the fewest words that still complete the term); a ``re:`` term what
        ``finditer`` reports on the unit's text alone.
        """
        unit_starts = np.asarray(unit_starts, dtype=np.int64)
        unit_ends = np.asarray(unit_ends, dtype=np.int64)
        found: list[Hits] = [self._regex_hits(t, r, f, text, codes, unit_starts, unit_ends) for t, r, f in self.regexes]
        if self.single_terms.size == 0 and not self.multi:
            return _collect(found)
        if tokens is None or tokens.use_keys != self.use_keys:
            tokens = Tokens(text, codes, unit_starts, unit_ends, self.use_keys)
        layout = tokens.layout
        tok_start, tok_end, types = layout.starts, layout.ends, tokens.types
        if tok_start.size == 0:
            return _collect(found)
        flat, bounds = self._type_words(tokens.lengths, tokens.k1, tokens.k2, tokens.strings)
        per_type = np.diff(bounds)
        # every (token, atom) of a token inside a unit that is a form of an atom
        tok = np.flatnonzero((per_type[types] > 0) & tokens.inside)
        atom = flat[ranges(bounds[types[tok]], per_type[types[tok]])]
        tok = np.repeat(tok, per_type[types[tok]])
        # one-word terms: a hit per (token, atom of the term's word), so a token that is a form of two atoms of
        # one word gives the same hit twice (evidence lists it once)
        count = self.single_bounds[atom + 1] - self.single_bounds[atom]
        single = np.repeat(tok, count)
        single_terms = self.single_terms[ranges(self.single_bounds[atom], count)]
        found.append((single_terms, tok_start[single], tok_end[single], tokens.unit[single]))
        if self.multi:  # longer terms (arabic_themes.phrases)
            m, starts, ends = self.phrases.hits(tok, atom, types, (flat, bounds), tokens.unit, layout)
            terms = np.asarray(self.multi, dtype=np.int64)[m]
            found.append((terms, tok_start[starts], tok_end[ends], tokens.unit[starts]))
        return _collect(found)

    @staticmethod
    def _regex_hits(
        t_index: int,
        regex: RawRegex,
        first: np.ndarray | None,
        text: str,
        codes: np.ndarray,
        unit_starts: np.ndarray,
        unit_ends: np.ndarray,
    ) -> Hits:
        """Hits of one ``re:`` term, searched in each unit's text alone (never across units); only units
        holding a character a match can start with are searched."""
        candidates = np.arange(unit_starts.size)
        if first is not None and unit_starts.size:
            at = np.flatnonzero(first[np.minimum(codes, first.size - 1)] & (codes < first.size))
            candidates = np.flatnonzero(np.searchsorted(at, unit_starts) < np.searchsorted(at, unit_ends))
        rows: list[tuple[int, int, int]] = []
        longest = int((unit_ends - unit_starts)[candidates].max(initial=0))
        # the time budget of a backtracking pattern, checked on the longest unit once (per unit if exceeded)
        spans = regex.spans if regex.steps(longest) > BUDGET_STEPS else regex.finditer_spans
        bounds = zip(candidates.tolist(), unit_starts[candidates].tolist(), unit_ends[candidates].tolist(), strict=True)
        for u, a, b in bounds:
            rows.extend((a + s, a + e, u) for s, e in spans(text[a:b]))
        arr = np.asarray(rows, dtype=np.int64).reshape(-1, 3)
        return np.full(len(arr), t_index, dtype=np.int64), arr[:, 0], arr[:, 1], arr[:, 2]


def _collect(found: list[Hits]) -> Hits:
    found = [f for f in found if f[0].size]
    if not found:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty, empty
    ids, starts, ends, units = (np.concatenate([f[k] for f in found]).astype(np.int64) for k in range(4))
    return ids, starts, ends, units


@functools.lru_cache(maxsize=8)
def matcher_for(terms: tuple[str, ...]) -> Matcher:
    """One matcher per set of terms, reused across batches and calls (it remembers what each
    distinct word of the texts matched)."""
    return Matcher(terms)
