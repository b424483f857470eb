"""The native scan's threads (analyzer/native/src/scan.rs, driven by analyzer/scan.py): the
records and cache rows they make are those of the Python extractor, type for type; files they
cannot read whole (gone, turned into a FIFO, too large) are scanned and reported as before;
bytes equal to the cached sha are not parsed; progress counts every file; and Ctrl-C, whether
raised by the progress callback or delivered as SIGINT while the threads work, stops the scan
at once and leaves no thread behind. Skipped when the extension is not built, unless
KUBEATLAS_REQUIRE_NATIVE=1."""

from __future__ import annotations

import gc
import os
import shutil
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import write_tree

from kubeatlas.analyzer.cache import FactsCache, load_cache, save_cache
from kubeatlas.analyzer.discover import discover, find_modules
from kubeatlas.analyzer.model import SourceFile
from kubeatlas.analyzer.native_extract import native_scan_function
from kubeatlas.analyzer.scan import scan_files

FIXTURE = Path(__file__).parent / "fixtures" / "ktree"
SCAN, WHY_NOT = native_scan_function()


@pytest.fixture(scope="module", autouse=True)
def native_scan():
    if SCAN is None:
        if os.environ.get("KUBEATLAS_REQUIRE_NATIVE") == "1":
            pytest.fail(f"KUBEATLAS_REQUIRE_NATIVE=1 but the {WHY_NOT}", pytrace=False)
        pytest.skip(f"the {WHY_NOT}; set KUBEATLAS_REQUIRE_NATIVE=1 to make this a failure")


@pytest.fixture(autouse=True)
def gc_back_on():
    yield
    gc.enable()  # the Python extractor's in-process scan turns it off, as its workers do


def same(a: Any, b: Any, where: str = "") -> None:
    """a == b with every nested type the same (a NamedTuple equals a plain tuple otherwise)."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} / {type(b).__name__}"
    if isinstance(a, tuple):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{where}.{i}")
    else:
        assert a == b, f"{where}: {a!r} / {b!r}"


def sources_of(root: Path) -> list[SourceFile]:
    return list(discover(root, find_modules(root)))


def scan_both(root: Path, sources: list[SourceFile], **kw: Any) -> None:
    """Scan with the native threads and with the Python extractor: the same facts, rows, stats."""
    native_cache, python_cache = FactsCache(), FactsCache()
    native, native_stats = scan_files(root, sources, cache=native_cache, jobs=2,
                                      extractor="native", **kw)
    python, python_stats = scan_files(root, sources, cache=python_cache, jobs=1,
                                      extractor="python", **kw)
    assert native_stats.extractor == "native"
    same(native, python)
    assert list(native_cache.heads()) == list(python_cache.heads())
    for path, _ in python_cache.heads():
        same(native_cache.row(path), python_cache.row(path), path)
    assert (native_stats.files, native_stats.parsed, native_stats.reused,
            native_stats.bytes_read) == (python_stats.files, python_stats.parsed,
                                         python_stats.reused, python_stats.bytes_read)


def test_the_threads_make_the_python_extractors_records_and_rows():
    scan_both(FIXTURE, sources_of(FIXTURE))


def test_the_threads_records_are_whole_and_left_out_of_the_cyclic_collector():
    """Each record (made by its class's allocator in native/src/rows.rs) is of its model class,
    holds every field, and is untracked, as are the tuples of records it holds: the collector
    would otherwise walk the million of them a tree makes at every collection."""
    facts, _ = scan_files(FIXTURE, sources_of(FIXTURE), cache=FactsCache(), jobs=2, extractor="native")
    records = [(f, type(f)) for f in facts]
    for f in facts:
        for part in (f.imports, f.decls, f.calls, f.locals, f.problems, f.channels):
            assert not gc.is_tracked(part)
            records += [(r, type(r)) for r in part]
        records += [(x, type(x)) for d in f.decls for x in (*d.fields, *d.methods, *d.params)]
    assert {cls.__name__ for _, cls in records} >= {"FileFacts", "ImportRef", "Decl", "CallRef",
                                                     "LocalVar", "Field", "MethodSpec", "Param"}
    for record, cls in records:
        assert len(record) == len(cls._fields) and not gc.is_tracked(record), record


def test_too_large_invalid_utf8_and_empty_files_as_the_python_extractor_reports_them(tmp_path):
    body = "package big\n\nimport \"fmt\"\n\n" + "func F() { fmt.Println(1) }\n" * 200
    root = write_tree(tmp_path / "kubernetes", {
        "go.mod": "module k8s.io/kubernetes\n\ngo 1.20\n",
        "pkg/big/big.go": body,  # over the limit below: header only and a problem
        "pkg/big/edge.go": body[:2048],  # exactly the limit: parsed whole
        "pkg/big/over.go": body[:2049],
        "pkg/bad/bad.go": b"package bad\n\nvar s = \"\xff\xfe\"\n",
        "pkg/empty/empty.go": "",
        "pkg/ok/ok.go": "package ok\n\nfunc G() int { return 1 }\n",
    })
    sources = sources_of(root)
    scan_both(root, sources, max_file_bytes=2048)
    facts, _ = scan_files(root, sources, cache=FactsCache(), max_file_bytes=2048)
    kinds = {f.rel_path: [p.kind for p in f.problems] for f in facts}
    assert kinds["pkg/big/big.go"] == kinds["pkg/big/over.go"] == ["too-large"]
    assert "too-large" not in kinds["pkg/big/edge.go"] and "encoding" in kinds["pkg/bad/bad.go"]


def test_marshalled_rows_decode_to_the_python_rows_at_every_size_and_script(tmp_path):
    """The cache rows the threads marshal (native/src/marshal.rs): tuples of 256 items and
    more, strings of 256 bytes and more, text that is not ASCII, strings repeated (referred
    back to), saved and loaded again."""
    calls = "".join(f"\tfmt.Println({i})\n" for i in range(300))
    doc = "// Long " + "x" * 300 + "\n"  # 300 characters kept: TYPE_ASCII, not SHORT_ASCII
    other = "// 调度器的主循环 — ünïcode " + "y" * 280 + "\nfunc Other() {}\n\n"
    root = write_tree(tmp_path / "kubernetes", {
        "go.mod": "module k8s.io/kubernetes\n\ngo 1.20\n",
        "pkg/many/many.go": f"package many\n\nimport \"fmt\"\n\n{other}{doc}func Many() {{\n{calls}}}\n",
        "pkg/many/名字.go": "package many\n\n// 名字 is a name.\nvar 名字 = \"值\"\n",
    })
    sources = sources_of(root)
    scan_both(root, sources)
    cache = FactsCache()
    scan_files(root, sources, cache=cache, jobs=2, extractor="native")
    row = cache.row("pkg/many/many.go")
    docs = [d[5] for d in row[8]]
    assert len(row[9]) >= 300 and len(docs[1]) == 300 and docs[1].isascii()
    assert "调度器" in docs[0] and len(docs[0].encode()) > 256
    save_cache(cache, tmp_path / "cache")
    again = load_cache(tmp_path / "cache")
    for path, _ in cache.heads():
        same(again.row(path), cache.row(path), path)


def test_files_gone_or_special_once_scanning_starts_are_reported(tmp_path):
    """A file removed or replaced by a FIFO after its stat (here: by the first progress report,
    which comes before any file is read) is read by a thread, left to the Python code, and
    reported unreadable / not regular; the cache keeps neither."""
    root = tmp_path / "kubernetes"
    shutil.copytree(FIXTURE, root, symlinks=True)
    sources = sources_of(root)
    gone, fifo = sources[3].rel_path, sources[7].rel_path

    def meanwhile(count: int) -> None:
        if not reports:
            (root / gone).unlink()
            (root / fifo).unlink()
            os.mkfifo(root / fifo)
        reports.append(count)

    reports: list[int] = []
    cache = FactsCache()
    facts, stats = scan_files(root, sources, cache=cache, jobs=2, on_progress=meanwhile,
                              extractor="native")
    problems = {f.rel_path: [p.kind for p in f.problems] for f in facts}
    assert problems[gone] == ["unreadable"] and problems[fifo] == ["not-regular"]
    assert gone not in cache and fifo not in cache and len(cache) == len(sources) - 2
    assert reports == [0] + [1] * len(sources)  # the cache's hits first, then file by file
    assert stats.parsed == len(sources) and [f.rel_path for f in facts] == sorted(
        s.rel_path for s in sources)


def test_bytes_equal_to_the_cached_sha_are_not_parsed_again(tmp_path):
    root = tmp_path / "kubernetes"
    shutil.copytree(FIXTURE, root, symlinks=True)
    sources = sources_of(root)
    cache_path = tmp_path / "facts"
    first, _ = scan_files(root, sources, cache=(cache := FactsCache()), extractor="native")
    save_cache(cache, cache_path)
    touched = sources[5].rel_path
    os.utime(root / touched, ns=(1, 1))  # new mtime, same bytes
    cache = load_cache(cache_path)
    row = cache.row(touched)
    again, stats = scan_files(root, sources, cache=cache, extractor="native")
    same(again, first)
    assert (stats.parsed, stats.reused) == (1, len(sources) - 1)
    assert cache.row(touched) is row  # the cached row stands, with the new stat
    assert cache.lookup_stat(touched, 1, (root / touched).stat().st_size) is not None


def many_files(root: Path, count: int) -> list[SourceFile]:
    body = "".join(f"func F{n}(a, b int) int {{ if a > b {{ return a - b }}; return F{n}(b, a) }}\n"
                   for n in range(120))
    files = {"go.mod": "module k8s.io/kubernetes\n\ngo 1.20\n"}
    files.update({f"pkg/p{n // 50}/f{n}.go": f"package p{n // 50}\n\n{body}" for n in range(count)})
    return sources_of(write_tree(root, files))


def threads() -> set[str]:
    """This process's threads (ids): a scan leaves none of its own behind (threads of earlier
    tests may end meanwhile)."""
    return set(os.listdir("/proc/self/task"))


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads in /proc")
def test_ctrl_c_from_progress_stops_the_threads(tmp_path):
    sources = many_files(tmp_path / "kubernetes", 600)
    before = threads()
    reports: list[int] = []

    def ctrl_c_after_ten_files(count: int) -> None:
        reports.append(count)
        if len(reports) == 11:
            raise KeyboardInterrupt

    cache = FactsCache()
    with pytest.raises(KeyboardInterrupt):
        scan_files(tmp_path / "kubernetes", sources, cache=cache, jobs=2,
                   on_progress=ctrl_c_after_ten_files, extractor="native")
    assert len(reports) == 11 and len(cache) == 10
    assert threads() <= before  # the threads ended with the call


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads in /proc")
def test_sigint_while_the_threads_work_stops_the_scan_promptly(tmp_path):
    root = tmp_path / "kubernetes"
    sources = many_files(root, 300)
    began = time.perf_counter()
    scan_files(root, sources, cache=FactsCache(), jobs=2, extractor="native")
    per_file = (time.perf_counter() - began) / 300
    # enough files for about a second of scanning, so the signal lands while the threads work
    sources = many_files(root, min(6000, max(1500, int(1.0 / per_file))))
    before = threads()
    done: list[int] = []
    timers: list[threading.Timer] = []

    def progress(n: int) -> None:  # the first file is in: the threads are at work, signal soon
        done.append(n)
        if not timers:
            timers.append(threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT)))
            timers[0].start()

    # Python's own SIGINT handler, whatever an earlier test in this process left installed
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    began = time.perf_counter()
    try:
        with pytest.raises(KeyboardInterrupt):
            scan_files(root, sources, cache=FactsCache(), jobs=2, on_progress=progress,
                       extractor="native")
    finally:
        for timer in timers:  # joined: a timer thread not yet gone would count as a thread left
            timer.cancel()
            timer.join()
        signal.signal(signal.SIGINT, previous)
    stopped = time.perf_counter() - began
    assert 0 < sum(done) < len(sources)
    assert stopped < 0.05 + max(1.0, 0.25 * per_file * len(sources)), (stopped, per_file)
    assert threads() <= before
