"""Types of the optional C loops (iedsl/_speedups.c); see iedsl/speedups.py."""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

def lexicon_hits(
    hits: Iterable[tuple[int, tuple[Any, ...]]], text: str, offsets: list[int] | None,
    body: int, long_doc: bool, word_table: bytes, is_word: Callable[[str], bool],
    entity_of: list[tuple[int, ...] | None], per_entity: list[list[tuple[Any, ...]]],
    sentence_ok: Callable[[int, int], bool],
    check_ok: Callable[[int, int, str, frozenset[str]], bool]) -> None: ...
def scan_hits(
    hits: Iterable[tuple[int, tuple[Any, ...]]], text: str, offsets: list[int] | None,
    word_table: bytes, is_word: Callable[[str], bool],
    check_ok: Callable[[int, int, str, frozenset[str]], bool],
) -> list[tuple[int, int, int, str | None, tuple[tuple[str, Any], ...], int]]: ...
def chain_mentions(cands: list[tuple[Any, ...]], text: str, mention_type: type,
                   label: str, name: str, priority: int) -> list[Any]: ...
def fold_chars(text: str, table: bytes) -> str: ...
def compile_nfa(trans: tuple[tuple[tuple[int, int], ...], ...],
                closure: tuple[frozenset[int], ...], start: Iterable[int],
                accept: int) -> object: ...
def longest_at(nfa: object, table: dict[int, dict[int, list[tuple[int, Any]]]],
               special: frozenset[int], occurrences: Callable[..., Sequence[tuple[int, Any]]],
               view: object, atoms: Sequence[object], start: int,
               n_tokens: int) -> int | None: ...
def find_all(nfa: object, first: tuple[int, ...], anywhere: bool, shift: int,
             table: dict[int, dict[int, list[tuple[int, Any]]]], special: frozenset[int],
             occurrences: Callable[..., Sequence[tuple[int, Any]]], view: object,
             atoms: Sequence[object], n_tokens: int) -> list[tuple[int, int]]: ...
def compile_tree(nodes: tuple[tuple[int, Any, int, int, tuple[int, ...]], ...]) -> object: ...
def parse_match(tree: object, table: dict[int, dict[int, list[tuple[int, Any]]]],
                special: frozenset[int], occurrences: Callable[..., Sequence[tuple[int, Any]]],
                view: object, atoms: Sequence[object], start: int, end: int, n_tokens: int,
                step_limit: int) -> tuple[tuple[Any, ...], tuple[Any, ...]] | bool | None: ...
def bucket_hits(hits: list[tuple[Any, ...]], starts: list[int], ends: list[int],
                gate: frozenset[int]) -> tuple[list[list[tuple[Any, ...]]], list[int]]: ...
