"""faaslight --trace for Python: which package files the original loads at init and per event.

    python3 -S -B trace.py <out.json> <package root> <module> <function> [event.json ...]

Modules come from sys.modules after each step (every import goes through it, .so included); data
files from a wrapper around open() that notes paths. Only files inside the package root are reported,
as POSIX paths relative to it. The handler's own output is left alone; the result goes to <out.json>.
"""
import builtins
import importlib
import io
import json
import os
import sys


def main(argv):
    out, root, module, function = argv[:4]
    events = argv[4:]
    root = os.path.realpath(root)
    os.chdir(root)
    sys.path.insert(0, root)
    opened = set()
    real_open = io.open

    def tracking_open(file, *args, **kwargs):
        if isinstance(file, (str, bytes, os.PathLike)):
            try:
                opened.add(os.path.realpath(os.fsdecode(file)))
            except (TypeError, ValueError):
                pass
        return real_open(file, *args, **kwargs)

    builtins.open = tracking_open

    def loaded():
        files = set(opened)
        for m in list(sys.modules.values()):
            f = getattr(m, "__file__", None)
            if isinstance(f, str):
                files.add(os.path.realpath(f))
        return files

    def rel(paths):
        prefix = root + os.sep
        return sorted(p[len(prefix) :].replace(os.sep, "/") for p in paths if p.startswith(prefix) and os.path.isfile(p))

    result = {"init": [], "perEvent": {}, "errors": []}
    try:
        mod = importlib.import_module(module)
        handler = getattr(mod, function)
    except BaseException as e:  # the report shows it; nothing else to trace
        result["errors"].append({"message": "%s: %s" % (type(e).__name__, e)})
        result["init"] = rel(loaded())
        return finish(out, result, real_open)
    seen = loaded()
    result["init"] = rel(seen)
    for ev in events:
        name = os.path.basename(ev)
        try:
            with real_open(ev, "r", encoding="utf-8") as f:
                data = json.load(f)
            handler(data, None)
        except BaseException as e:
            result["errors"].append({"event": name, "message": "%s: %s" % (type(e).__name__, e)})
        now = loaded()
        result["perEvent"][name] = rel(now - seen)
        seen |= now
    return finish(out, result, real_open)


def finish(out, result, real_open):
    with real_open(out, "w", encoding="utf-8") as f:
        json.dump(result, f, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
