# Exercises vlib's functions through computed names (so the analysis cannot see them) and prints JSON.
import asyncio
import inspect
import json
import sys

sys.path.insert(0, ".")
import handler  # noqa: E402  (installs the shim in an optimized package)

import vlib  # noqa: E402  (vendor/ is on sys.path once the handler ran)
g = lambda n: getattr(vlib, "".join(n))  # noqa: E731
out = {}
f = g("kw_defaults")
out["meta_before"] = [f.__name__, f.__qualname__, f.__module__, f.__doc__, repr(f.__defaults__), repr(f.__kwdefaults__), str(inspect.signature(f))]
out["kw"] = f(1, c=5)
out["kw2"] = f(1, 2, 3, 4, c=5, d=6, z=7)
out["meta_after"] = [f.__name__, f.__qualname__, f.__module__, f.__doc__, repr(f.__defaults__), repr(f.__kwdefaults__), str(inspect.signature(f))]
gen_f = g("gen_values")
out["isgen"] = inspect.isgeneratorfunction(gen_f)
gen = gen_f(2)
steps = [next(gen), gen.send("x"), next(gen)]
try:
    next(gen)
except StopIteration as e:
    steps.append(["stop", e.value])
out["gen"] = steps
out["gen_again"] = list(gen_f(3))
co = g("coro")
out["iscoro"] = inspect.iscoroutinefunction(co)
out["coro"] = asyncio.run(co(4))
out["write"] = g("write_global")(42)
out["globals"] = [vlib.LIMIT, vlib.NEW_NAME, vlib.STATE]
c = g("cached")
out["cached"] = [c(3), c(3), c.cache_info().hits, c.__wrapped__.__name__]
s = vlib.Shape(3)
out["area"] = getattr(s, "ar" + "ea")(2, offset=1)
out["perimeter"] = getattr(s, "peri" + "meter")
out["private"] = getattr(s, "uses_" + "private")()
nc = getattr(vlib.core, "never_" + "called")
out["posonly"] = nc(1, 2, c=3)
try:
    nc(a=1, b=2)
except TypeError as e:
    out["posonly_error"] = str(e)
out["shape_meta"] = [vlib.Shape.area.__qualname__, vlib.Shape.area.__doc__]
print(json.dumps(out, default=repr, sort_keys=True))
