# faaslight's Python Lambda runtime: speaks the Runtime API 2018-06-01 and loads handlers the way
# the Lambda Python runtime does ("pkg/mod.func" -> import pkg.mod, getattr func), with the same
# error types: Runtime.ImportModuleError, Runtime.UserCodeSyntaxError, Runtime.HandlerNotFound,
# Runtime.MalformedHandlerName, Runtime.MarshalError.
# Run as `python3 -S -B bootstrap.py`: no site-packages, the task root first on sys.path, so only
# what the package ships is importable. The bootstrap itself imports as little as possible (raw
# sockets instead of http.client, traceback only on error) so that a user's import of `email` or
# `http.client` is paid by the user's code, as it is on Lambda, and shows in -X importtime.
import json
import os
import socket
import sys
import time

API = os.environ.get("AWS_LAMBDA_RUNTIME_API", "")
TASK_ROOT = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
HANDLER = os.environ.get("_HANDLER", "")
BASE = "/2018-06-01/runtime"


def request(method, path, body=None, headers=None):
    host, _, port = API.rpartition(":")
    data = body.encode("utf-8") if body is not None else b""
    lines = [
        "%s %s HTTP/1.1" % (method, path),
        "Host: %s" % API,
        "Connection: close",
        "Content-Length: %d" % len(data),
    ]
    if body is not None:
        lines.append("Content-Type: application/json")
    for k, v in (headers or {}).items():
        lines.append("%s: %s" % (k, v))
    sock = socket.create_connection((host, int(port)))
    try:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + data)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        sock.close()
    raw = b"".join(chunks)
    head, _, payload = raw.partition(b"\r\n\r\n")
    head_lines = head.decode("latin-1").split("\r\n")
    status = int(head_lines[0].split()[1])
    hdrs = {}
    for line in head_lines[1:]:
        k, sep, v = line.partition(":")
        if sep:
            hdrs[k.strip().lower()] = v.strip()
    if hdrs.get("transfer-encoding", "").lower() == "chunked":
        payload = dechunk(payload)
    return status, hdrs, payload.decode("utf-8")


def dechunk(data):
    out = []
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out.append(rest[:size])
        data = rest[size + 2:]
    return b"".join(out)


def error_body(error_type, message, tb=None, request_id=""):
    stack = []
    if tb is not None:
        import traceback  # only on error: it pulls in linecache and tokenize

        stack = traceback.format_list(traceback.extract_tb(tb))
    return {"errorMessage": message, "errorType": error_type, "requestId": request_id, "stackTrace": stack}


def post_error(path, body):
    sys.stderr.write("[ERROR] %s: %s\n" % (body["errorType"], body["errorMessage"]))
    for line in body["stackTrace"]:
        sys.stderr.write(line)
    sys.stderr.flush()
    request("POST", path, json.dumps(body), {"Lambda-Runtime-Function-Error-Type": body["errorType"]})


class FaultError(Exception):
    def __init__(self, error_type, message, tb=None):
        Exception.__init__(self, message)
        self.error_type = error_type
        self.message = message
        self.tb = tb


def load_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultError("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (handler, e))
    modname = modname.replace("/", ".")
    if "importtime" in getattr(sys, "_xoptions", {}):
        sys.stderr.write("faaslight: import handler\n")  # marks where -X importtime lines of the function begin
        sys.stderr.flush()
    try:
        # __import__ (the import statement's path), not importlib.import_module: only the former is
        # instrumented by -X importtime, so the handler module itself becomes the root of its imports.
        __import__(modname)
        module = sys.modules[modname]
    except ImportError as e:
        raise FaultError("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (modname, e), e.__traceback__)
    except SyntaxError as e:
        raise FaultError("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (modname, e), e.__traceback__)
    except Exception as e:
        raise FaultError(type(e).__name__, str(e), e.__traceback__)
    if "importtime" in getattr(sys, "_xoptions", {}):
        sys.stderr.write("faaslight: handler imported\n")  # later imports happen while handling events
        sys.stderr.flush()
    fn = getattr(module, fname, None)
    if fn is None:
        raise FaultError("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (fname, modname))
    return fn


class LambdaContext(object):
    def __init__(self, headers):
        self.aws_request_id = headers.get("lambda-runtime-aws-request-id", "")
        self.invoked_function_arn = headers.get("lambda-runtime-invoked-function-arn", "")
        self._deadline_ms = int(headers.get("lambda-runtime-deadline-ms", "0") or 0)
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.identity = None
        self.client_context = None

    def get_remaining_time_in_millis(self):
        return int(max(self._deadline_ms - int(time.time() * 1000), 0))


def main():
    if not API:
        sys.stderr.write("faaslight bootstrap: AWS_LAMBDA_RUNTIME_API is not set\n")
        sys.exit(1)
    # -S leaves the bootstrap's own folder first on sys.path: the task root takes its place.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    sys.path.insert(0, TASK_ROOT)
    os.chdir(TASK_ROOT)
    try:
        handler = load_handler(HANDLER)
    except FaultError as e:
        post_error(BASE + "/init/error", error_body(e.error_type, e.message, e.tb))
        sys.exit(129)
    while True:
        status, headers, body = request("GET", BASE + "/invocation/next")
        request_id = headers.get("lambda-runtime-aws-request-id", "")
        if "lambda-runtime-trace-id" in headers:
            os.environ["_X_AMZN_TRACE_ID"] = headers["lambda-runtime-trace-id"]
        try:
            event = json.loads(body)
            result = handler(event, LambdaContext(headers))
        except Exception as e:
            post_error(
                "%s/invocation/%s/error" % (BASE, request_id),
                error_body(type(e).__name__, str(e), e.__traceback__, request_id),
            )
            continue
        try:
            payload = json.dumps(result)
        except Exception as e:
            post_error(
                "%s/invocation/%s/error" % (BASE, request_id),
                error_body("Runtime.MarshalError", "Unable to marshal response: %s" % e, None, request_id),
            )
            continue
        request("POST", "%s/invocation/%s/response" % (BASE, request_id), payload)


main()
