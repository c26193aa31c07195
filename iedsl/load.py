"""Load stage: find rule files, follow includes, read term files.

Includes are resolved relative to the including file and confined to the rules
root (the directory of the top-level file), so a rule pack can be moved or
installed as a whole and cannot read arbitrary files.  Each file is read once even
if included many times.  Term files (TSV) are read here with a plain line reader,
never through the grammar, so a million-term lexicon costs one pass over the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import nodes as n
from .errors import Diagnostic, RuleFileError
from .parse import parse_rules
from .source import Source, Span

RULE_SUFFIX = ".ie"


#: One line of a term file, ``term<TAB>id<TAB>k=v;k=v``, as ``(term, term_id, attrs,
#: line)``: a plain tuple, since there may be a million of them.
TermRow = tuple[str, "str | None", "tuple[tuple[str, str], ...]", int]


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Everything the checker needs: parsed files in include order and term files."""

    files: tuple[n.RuleFile, ...]
    term_files: dict[str, tuple[TermRow, ...]]   # keyed by (lexicon file path, as resolved)
    term_file_keys: dict[tuple[str, str], str]   # (rule file name, path as written) -> key
    root: Path | None
    problems: tuple[Diagnostic, ...]
    sources: tuple[str, ...] = ()                # every file read (for the compiled cache)


def load_rules(path: str | Path) -> RuleSet:
    """Load a rule file, or every ``*.ie`` file directly inside a rules directory."""
    p = Path(path)
    if p.is_dir():
        root = p.resolve()
        tops = sorted(root.glob(f"*{RULE_SUFFIX}"))
        if not tops:
            raise RuleFileError(Diagnostic("E300", f"no {RULE_SUFFIX} files in {p}"))
    elif p.is_file():
        root = p.resolve().parent
        tops = [p.resolve()]
    else:
        raise RuleFileError(Diagnostic("E300", f"no such rule file or directory: {p}"))
    loader = _Loader(root)
    for top in tops:
        loader.load_file(top, None)
    return loader.finish()


def load_rules_text(text: str, *, name: str = "<rules>",
                    base_dir: str | Path | None = None) -> RuleSet:
    """Load rules given as a string; includes need ``base_dir``."""
    root = Path(base_dir).resolve() if base_dir is not None else None
    loader = _Loader(root)
    loader.add_source(Source(name, text), root)   # its includes resolve from base_dir
    return loader.finish()


class _Loader:
    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.files: list[n.RuleFile] = []
        self.seen: set[Path] = set()
        self.term_files: dict[str, tuple[TermRow, ...]] = {}
        self.term_file_keys: dict[tuple[str, str], str] = {}
        self.problems: list[Diagnostic] = []

    def finish(self) -> RuleSet:
        sources = sorted({str(p) for p in self.seen} | set(self.term_files))
        return RuleSet(tuple(self.files), self.term_files, self.term_file_keys, self.root,
                       tuple(self.problems), tuple(sources))

    def load_file(self, path: Path, where: n.Where | None) -> None:
        if path in self.seen:
            return
        self.seen.add(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            diag = Diagnostic("E301", f"cannot read rule file {path}: {exc}",
                              source=where.source if where else None,
                              span=where.span if where else None)
            if where is None:
                raise RuleFileError(diag) from exc
            self.problems.append(diag)
            return
        self.add_source(Source(self._display(path), text), path.parent)

    def add_source(self, source: Source, directory: Path | None) -> None:
        rule_file = parse_rules(source)
        self.files.append(rule_file)
        for stmt in rule_file.statements:
            if isinstance(stmt, n.Include):
                target = self._resolve(stmt.path, directory, stmt.where, "include")
                if target is not None:
                    self.load_file(target, stmt.where)
            elif isinstance(stmt, n.LexiconDecl):
                for rel in stmt.files:
                    target = self._resolve(rel, directory, stmt.where, "lexicon file")
                    if target is not None:
                        key = str(target)
                        self.term_file_keys[(source.name, rel)] = key
                        if key not in self.term_files:
                            self._read_terms(target, stmt.where)

    def _display(self, path: Path) -> str:
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    def _resolve(self, rel: str, directory: Path | None, where: n.Where,
                 what: str) -> Path | None:
        if directory is None or self.root is None:
            self.problems.append(Diagnostic(
                "E303", f"{what} `{rel}` needs a rules directory", source=where.source,
                span=where.span, hint="load the rules from a file, or pass base_dir="))
            return None
        target = (directory / rel).resolve()
        if not target.is_relative_to(self.root):
            self.problems.append(Diagnostic(
                "E303", f"{what} `{rel}` is outside the rules directory {self.root}",
                source=where.source, span=where.span,
                hint="includes and term files must live under the rules directory"))
            return None
        if not target.is_file():
            self.problems.append(Diagnostic(
                "E301" if what == "include" else "E304", f"{what} `{rel}` not found",
                source=where.source, span=where.span, hint=f"looked for {target}"))
            return None
        return target

    def _read_terms(self, path: Path, where: n.Where) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.append(Diagnostic("E304", f"cannot read lexicon file {path}: {exc}",
                                            source=where.source, span=where.span))
            return
        self.term_files[str(path)] = read_term_rows(Source(self._display(path), text),
                                                    self.problems)


def read_term_rows(source: Source, problems: list[Diagnostic]) -> tuple[TermRow, ...]:
    """Parse a TSV term file; malformed lines are reported and skipped.

    One plain pass: no grammar, no per-character work, offsets only for errors.
    """
    rows: list[TermRow] = []
    append = rows.append
    for lineno, line in enumerate(source.text.split("\n"), start=1):
        if not line or line[0] == "#":
            continue
        cols = line.rstrip("\r").split("\t")
        term = cols[0].strip()
        if not term or term[0] == "#":
            continue
        if len(cols) == 1:
            append((term, None, (), lineno))
            continue
        if len(cols) > 3:
            problems.append(Diagnostic(
                "E305", "a term line has a term, an optional id and optional attributes",
                source=source, span=source.line_span(lineno),
                hint="columns are separated by one tab: term<TAB>id<TAB>key=value;key=value"))
            continue
        term_id = cols[1].strip() or None
        attrs: tuple[tuple[str, str], ...] = ()
        if len(cols) == 3 and cols[2].strip():
            parsed = []
            for item in cols[2].split(";"):
                key, eq, value = item.partition("=")
                if not eq or not key.strip():
                    span = source.line_span(lineno)
                    col = line.index(cols[2])
                    problems.append(Diagnostic(
                        "E305", f"bad attribute `{item}`", source=source,
                        span=Span(span.start + col, span.start + col + len(cols[2])),
                        hint="attributes are key=value pairs separated by `;`"))
                    break
                parsed.append((key.strip(), value.strip()))
            attrs = tuple(parsed)
        append((term, term_id, attrs, lineno))
    return tuple(rows)
