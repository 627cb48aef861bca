"""faaslight runtime shim (standard library only), installed as .faaslight/_faaslight.py.

Three services for a package optimized by faaslight:
  lazy(...)   lazy imports: a stand-in bound to the import's names that runs the original import
              statement at first attribute access or call, then rebinds the real objects in the
              module's globals, so later uses cost nothing extra.
  Stubs       function stubs: on first call the original definition is compiled from the module's
              original source (kept in the fallback store) and its code replaces the stub's code in
              place, so every reference (decorator wrappers, registries, bound methods) sees it.
  finder      a meta-path finder, last in sys.meta_path, that restores stripped files from the
              fallback store into a writable mirror and imports them from there.
"""
import os
import sys

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_STORE = os.path.join(_ROOT, ".faaslight", "fallback")
_INDEX = None  # {"files": {...}, "raw": <index.json bytes>, "stems": {...}} once read
_MIRROR = None
_LOADED = set()


def _log(rel):
    if rel not in _LOADED:
        _LOADED.add(rel)
        sys.stderr.write("faaslight: fallback load %s\n" % rel)
        sys.stderr.flush()


# ---------------------------------------------------------------------------------------------
# Lazy imports


def _from(module, attr):
    # IMPORT_FROM: the attribute, else the submodule registered in sys.modules.
    try:
        return getattr(module, attr)
    except AttributeError:
        return sys.modules["%s.%s" % (module.__name__, attr)]


def _bind(g, specs):
    """The import statement's effect through __import__, as its byte code does it."""
    for name, kind, module, level, attr in specs:
        if kind == "I":  # import a.b.c  → a
            g[name] = __import__(module, g, None, None, level)
        elif kind == "A":  # import a.b as x  → a.b
            m = __import__(module, g, None, None, level)
            for part in module.split(".")[1:]:
                m = _from(m, part)
            g[name] = m
        else:  # from m import attr as name
            g[name] = _from(__import__(module, g, None, (attr,), level), attr)


def _resolve(proxy):
    get = object.__getattribute__
    g = get(proxy, "_fl_g")
    name = get(proxy, "_fl_name")
    value = g.get(name, proxy)
    if value is proxy:
        try:
            _bind(g, get(proxy, "_fl_specs"))
        except BaseException:
            # Run the original statement at its original line: it raises exactly what the original
            # import raised (and again at each use until it succeeds).
            line = get(proxy, "_fl_line")
            code = compile("\n" * (line - 1) + get(proxy, "_fl_stmt"), g.get("__file__") or "<faaslight>", "exec", 0, True)
            exec(code, g)
        value = g[name]
    return value


class _Lazy(object):
    __slots__ = ("_fl_g", "_fl_name", "_fl_stmt", "_fl_line", "_fl_specs")

    def __init__(self, g, name, stmt, line, specs):
        object.__setattr__(self, "_fl_g", g)
        object.__setattr__(self, "_fl_name", name)
        object.__setattr__(self, "_fl_stmt", stmt)
        object.__setattr__(self, "_fl_line", line)
        object.__setattr__(self, "_fl_specs", specs)

    def __getattribute__(self, attr):
        return getattr(_resolve(self), attr)

    def __setattr__(self, attr, value):
        setattr(_resolve(self), attr, value)

    def __delattr__(self, attr):
        delattr(_resolve(self), attr)

    def __call__(self, *args, **kwargs):
        return _resolve(self)(*args, **kwargs)


def lazy(g, stmt, line, *specs):
    """`np = lazy(globals(), "import numpy as np", 3, ("np", "A", "numpy", 0, None))`.

    One spec per bound name: (name, "I" | "A" | "F", module, level, attribute); several give a tuple.
    """
    proxies = tuple(_Lazy(g, spec[0], stmt, line, specs) for spec in specs)
    return proxies[0] if len(proxies) == 1 else proxies


# ---------------------------------------------------------------------------------------------
# Fallback store (docs/fallback-store.md, format v1)


def _index():
    global _INDEX
    if _INDEX is None:
        path = os.path.join(_STORE, "index.json")
        try:
            with open(path, "rb") as f:
                raw = f.read()
        except OSError:
            _INDEX = {"files": {}, "raw": b"", "stems": {}}
            return _INDEX
        import json

        data = json.loads(raw.decode("utf-8"))
        if data.get("version") != 1:
            raise ImportError("faaslight: unsupported fallback store version %r" % data.get("version"))
        # "dir/name" → stored files that could be module "name" in "dir", in FileFinder order
        # (package, extension, source), so a failed import costs one dict lookup per path entry.
        stems = {}
        for rel in sorted(data["files"]):
            if rel.endswith("/__init__.py"):
                stems.setdefault(rel[: -len("/__init__.py")], []).insert(0, rel)
            elif rel.endswith(".so"):
                stem = rel.rpartition("/")[2].partition(".")[0]
                folder = rel.rpartition("/")[0]
                key = folder + "/" + stem if folder else stem
                lst = stems.setdefault(key, [])
                lst.insert(1 if lst and lst[0].endswith("/__init__.py") else 0, rel)
            elif rel.endswith(".py"):
                stems.setdefault(rel[:-3], []).append(rel)
        _INDEX = {"files": data["files"], "raw": raw, "stems": stems}
    return _INDEX


def read_stored(rel):
    """Original bytes of a stored file (checked against its sha256)."""
    entry = _index()["files"][rel]
    import hashlib
    import zlib

    with open(os.path.join(_STORE, "store.bin"), "rb") as f:
        f.seek(entry["offset"])
        member = f.read(entry["length"])
    data = zlib.decompress(member, 16 + zlib.MAX_WBITS)
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise ImportError("faaslight: fallback store entry %s is corrupt" % rel)
    return data


def _mirror():
    global _MIRROR
    if _MIRROR is None:
        d = os.environ.get("FAASLIGHT_FALLBACK_DIR")
        if not d:
            import hashlib
            import tempfile

            key = hashlib.sha256(_index()["raw"]).hexdigest()[:12]
            d = os.path.join(tempfile.gettempdir(), "faaslight-fallback", key)
        _MIRROR = os.path.abspath(d)
    return _MIRROR


def restore(rel):
    """Writes a stored file into the mirror (once) and returns its path there."""
    files = _index()["files"]
    entry = files[rel]
    dest = os.path.join(_mirror(), *rel.split("/"))
    _log(rel)
    if not os.path.exists(dest):
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        tmp = "%s.%d.tmp" % (dest, os.getpid())
        with open(tmp, "wb") as f:
            f.write(read_stored(rel))
        os.chmod(tmp, entry.get("mode", 0o644) or 0o644)
        os.replace(tmp, dest)
    # Files a restored module may open next to itself: stored data siblings are restored, kept ones linked.
    folder = rel.rpartition("/")[0]
    prefix = folder + "/" if folder else ""
    for other in files:
        if other != rel and other.startswith(prefix) and "/" not in other[len(prefix):] and not _is_module(other):
            odest = os.path.join(_mirror(), *other.split("/"))
            if not os.path.exists(odest):
                restore(other)
    kept = os.path.join(_ROOT, *folder.split("/")) if folder else _ROOT
    if folder and os.path.isdir(kept):
        for name in os.listdir(kept):
            src = os.path.join(kept, name)
            link = os.path.join(os.path.dirname(dest), name)
            if not _is_module(name) and os.path.isfile(src) and not os.path.lexists(link):
                try:
                    os.symlink(src, link)
                except OSError:
                    pass
    return dest


def _is_module(name):
    return name.endswith((".py", ".pyc", ".so")) or name == "__pycache__"


def _rel_dir(path):
    """Package-relative POSIX dir for a search-path entry inside the package or the mirror, else None."""
    p = os.path.abspath(path or ".")
    # Nothing can be in the mirror before something was restored (and computing it imports tempfile).
    for base in (_ROOT, _MIRROR) if _MIRROR else (_ROOT,):
        if p == base:
            return ""
        if p.startswith(base + os.sep):
            return p[len(base) + 1 :].replace(os.sep, "/")
    return None


class FallbackFinder(object):
    """Last on sys.meta_path: only asked for modules no regular finder could find."""

    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        stems = _index()["stems"]
        if not stems:
            return None
        tail = fullname.rpartition(".")[2]
        for entry in path if path is not None else sys.path:
            if not isinstance(entry, str):
                continue
            d = _rel_dir(entry)
            if d is None:
                continue
            base = d + "/" + tail if d else tail
            for rel in stems.get(base, ()):
                import importlib.util

                dest = restore(rel)
                if rel.endswith("/__init__.py"):
                    locations = [os.path.dirname(dest)]
                    kept = os.path.join(_ROOT, *base.split("/"))
                    if os.path.isdir(kept):
                        locations.append(kept)
                    return importlib.util.spec_from_file_location(fullname, dest, submodule_search_locations=locations)
                return importlib.util.spec_from_file_location(fullname, dest)
        return None

    @classmethod
    def invalidate_caches(cls):
        pass


# ---------------------------------------------------------------------------------------------
# Function stubs


class Stubs(object):
    """Per-module stub registry: `_fl_S = Stubs(globals(), "pkg/mod.py", ("annotations",))`."""

    def __init__(self, g, rel, futures=()):
        self.g = g
        self.rel = rel
        self.futures = futures
        self.lines = None

    def load(self, name, line, end, cls=None):
        """Called by a stub's body: gives its function object the original code, and returns it."""
        stub_code = sys._getframe(1).f_code
        fn = self._function(stub_code, name, cls)
        if fn.__code__ is not stub_code:  # already loaded
            return fn
        if self.lines is None:
            self.lines = read_stored(self.rel).decode("utf-8-sig").splitlines(True)
            _log(self.rel)
        text = "".join(self.lines[line - 1 : end])
        if cls:
            text = "\n" * (line - 2) + "class %s:\n" % cls + text
        else:
            text = "\n" * (line - 1) + text
        flags = 0
        if self.futures:
            import __future__

            for f in self.futures:
                flags |= getattr(__future__, f).compiler_flag
        code = compile(text, self.g.get("__file__") or self.rel, "exec", flags, True)
        if cls:
            code = _find_code(code, cls, None)
        fn.__code__ = _find_code(code, name, line)
        return fn

    def _function(self, code, name, cls):
        # Where the def put it (through staticmethod/classmethod/property/functools wrappers), else
        # whatever function object runs this code.
        start = self.g.get(name) if cls is None else getattr(self.g.get(cls), "__dict__", {}).get(name)
        todo = [start]
        seen = 0
        while todo and seen < 32:
            obj = todo.pop()
            seen += 1
            if obj is None:
                continue
            if getattr(obj, "__code__", None) is code:
                return obj
            for attr in ("__func__", "__wrapped__", "fget", "fset", "fdel", "func"):
                inner = getattr(obj, attr, None)
                if inner is not None:
                    todo.append(inner)
        import gc

        for ref in gc.get_referrers(code):
            if getattr(ref, "__code__", None) is code:
                return ref
        raise RuntimeError("faaslight: stub function %s not found" % name)


def _find_code(code, name, line):
    for c in code.co_consts:
        if hasattr(c, "co_name") and c.co_name == name and (line is None or c.co_firstlineno == line):
            return c
    raise ImportError("faaslight: original of %s not found in the fallback store" % name)


if os.path.isfile(os.path.join(_STORE, "index.json")) and FallbackFinder not in sys.meta_path:
    sys.meta_path.append(FallbackFinder)
