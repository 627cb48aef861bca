# Runs one Python function handler once, as the AWS Lambda Python runtime would, and prints its
# outcome as one line: __FAASLIGHT_RESULT__{"ok":…,"output":…,"error":{"name","message"}}.
#   /usr/bin/python3 -S invoke.py <task_root> <handler> <event.json> [--style aws|gcf]
# Standard library only. The task root goes first on sys.path, like /var/task on Lambda.
import json
import os
import sys
import time

PREFIX = "__FAASLIGHT_RESULT__"


def emit(result):
    try:
        line = json.dumps(result, default=str)
    except Exception as e:  # noqa: BLE001 - any marshalling failure is the handler's result
        line = json.dumps({"ok": False, "phase": result.get("phase"), "output": None,
                           "error": {"name": "Runtime.MarshalError", "message": str(e)}})
    sys.stdout.flush()
    os.write(1, (PREFIX + line + "\n").encode("utf-8"))
    os._exit(0)


def module_files(root):
    """Package files (relative POSIX paths) of the modules loaded so far."""
    prefix = root + os.sep
    out = set()
    for m in list(sys.modules.values()):
        f = getattr(m, "__file__", None)
        if isinstance(f, str) and f.startswith(prefix):
            out.add(f[len(prefix):].replace(os.sep, "/"))
    return out


def error_of(e):
    return {"name": type(e).__name__, "message": str(e)}


class LambdaContext:
    def __init__(self):
        timeout_ms = int(os.environ.get("FAASLIGHT_TIMEOUT_MS") or 30000)
        self._deadline = time.time() * 1000 + timeout_ms
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "faaslight-local")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        region = os.environ.get("AWS_REGION", "us-east-1")
        self.invoked_function_arn = "arn:aws:lambda:%s:000000000000:function:%s" % (region, self.function_name)
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024")
        self.aws_request_id = os.environ.get("FAASLIGHT_REQUEST_ID", "00000000-0000-4000-8000-000000000000")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + self.function_name)
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "local")
        self.identity = None
        self.client_context = None

    def get_remaining_time_in_millis(self):
        return max(0, int(self._deadline - time.time() * 1000))


class FakeRequest:
    """The parts of a Flask request that GCF HTTP functions commonly read; the body is the event."""

    def __init__(self, event):
        self.method = "POST"
        self.path = "/"
        self.url = "http://localhost/"
        self.headers = {"Content-Type": "application/json"}
        self.args = {}
        self.json = event
        self.data = json.dumps(event).encode("utf-8")

    def get_json(self, force=False, silent=False, cache=True):
        return self.json

    def get_data(self, as_text=False, **_):
        return self.data.decode("utf-8") if as_text else self.data


def gcf_response(rv):
    """Flask's return conventions: body, (body, status), (body, status, headers), or a Response."""
    status = 200
    if isinstance(rv, tuple):
        rv, status = rv[0], (rv[1] if len(rv) > 1 and isinstance(rv[1], int) else status)
    if hasattr(rv, "get_data") and hasattr(rv, "status_code"):
        status, rv = rv.status_code, rv.get_data(as_text=True)
    if isinstance(rv, bytes):
        rv = rv.decode("utf-8")
    return {"statusCode": status, "body": rv}


def main():
    args = sys.argv[1:]
    if len(args) < 3:
        sys.stderr.write("usage: invoke.py <task_root> <handler> <event.json> [--style aws|gcf]\n")
        sys.exit(2)
    task_root, handler, event_file = args[:3]
    style = args[args.index("--style") + 1] if "--style" in args else "aws"
    # Both resolved before chdir: a relative task root or event path means the caller's folder.
    task_root = os.path.abspath(task_root)
    event_path = os.path.abspath(event_file)
    os.chdir(task_root)
    sys.path.insert(0, task_root)
    with open(event_path, encoding="utf-8") as f:
        event = json.load(f)

    module_path, _, fn_name = handler.rpartition(".")
    module_name = module_path.replace("/", ".")
    try:
        import importlib

        module = importlib.import_module(module_name)
        fn = getattr(module, fn_name, None)
        if fn is None:
            raise AttributeError("Handler '%s' missing on module '%s'" % (fn_name, module_name))
        if not callable(fn):
            raise TypeError("Handler '%s' on module '%s' is not callable" % (fn_name, module_name))
    except BaseException as e:  # noqa: BLE001 - SystemExit at import is an init failure too
        emit({"ok": False, "phase": "init", "output": None, "error": error_of(e)})
        return
    at_init = module_files(task_root)
    try:
        if style == "gcf":
            output = gcf_response(fn(FakeRequest(event)))
        else:
            output = fn(event, LambdaContext())
        loaded = sorted(module_files(task_root) - at_init)
        emit({"ok": True, "phase": "invoke", "output": json.loads(json.dumps(output, default=str)), "loadedAtInvoke": loaded})
    except BaseException as e:  # noqa: BLE001
        emit({"ok": False, "phase": "invoke", "output": None, "error": error_of(e)})


if __name__ == "__main__":
    main()
