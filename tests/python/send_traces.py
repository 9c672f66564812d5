"""Sends traces to xray-tui --listen with the real AWS X-Ray SDK for Python.

usage: send_traces.py MODE DAEMON_ADDRESS
  MODE is `whole` (each segment sent in one datagram), `streaming` (streaming threshold 1:
  subsegments sent on their own as they end) or `lambda` (as inside AWS Lambda: only
  subsegments, whose parent is the function's facade segment, which is never sent).

Prints one JSON line: the trace ids it made, and the ports it called.
"""

import http.server
import json
import os
import socket
import sys
import threading


def serve_statuses():
    """A local HTTP server answering /ok with 200, /missing with 404 and /broken with 500."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            status = {"/ok": 200, "/missing": 404, "/broken": 500}.get(self.path, 400)
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"hi")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def closed_port():
    """A loopback port nobody listens on, so connecting to it is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call_everything(xray_recorder, requests, port, refused):
    """The work of one request: http calls of each outcome, an exception, annotations."""
    with xray_recorder.in_subsegment("validate-cart") as sub:
        sub.put_annotation("cart_items", 3)
        sub.put_annotation("customer_tier", "gold")
        sub.put_metadata("cart", {"skus": ["A-1", "B-2"], "total": 41.5}, "shop")
    for path in ("/ok", "/missing", "/broken"):
        requests.get(f"http://127.0.0.1:{port}{path}", timeout=5)
    try:
        requests.get(f"http://127.0.0.1:{refused}/nowhere", timeout=5)
    except requests.exceptions.ConnectionError:
        pass
    try:
        with xray_recorder.in_subsegment("charge-card"):
            raise ValueError("card declined: insufficient funds")
    except ValueError:
        pass


def main():
    mode, address = sys.argv[1], sys.argv[2]
    if mode == "lambda":
        trace_id = "1-{:08x}-{}".format(int(__import__("time").time()), os.urandom(12).hex())
        os.environ["LAMBDA_TASK_ROOT"] = "/var/task"
        os.environ["_X_AMZN_TRACE_ID"] = f"Root={trace_id};Parent=53995c3f42cd8ad8;Sampled=1"
        os.environ["AWS_LAMBDA_FUNCTION_NAME"] = "resize-image"
    os.environ["AWS_XRAY_DAEMON_ADDRESS"] = address

    from aws_xray_sdk.core import patch, xray_recorder
    import requests

    config = {"daemon_address": address, "context_missing": "LOG_ERROR", "sampling": False}
    if mode == "streaming":
        config["streaming_threshold"] = 1
    if mode != "lambda":
        config["service"] = "checkout"
    xray_recorder.configure(**config)
    patch(["requests"])

    port, refused = serve_statuses(), closed_port()
    trace_ids = []
    if mode == "lambda":
        with xray_recorder.in_subsegment("handler") as handler:
            handler.put_annotation("image", "cat.png")
            call_everything(xray_recorder, requests, port, refused)
        trace_ids.append(os.environ["_X_AMZN_TRACE_ID"].split(";")[0][len("Root="):])
    else:
        for name in ("checkout", "checkout-retry"):
            segment = xray_recorder.begin_segment(name)
            segment.put_http_meta("method", "POST")
            segment.put_http_meta("url", "https://shop.example.com/cart/checkout")
            segment.put_annotation("order_id", f"{name}-1001")
            call_everything(xray_recorder, requests, port, refused)
            segment.put_http_meta("status", 200)
            trace_ids.append(segment.trace_id)
            xray_recorder.end_segment()
    print(json.dumps({"trace_ids": trace_ids, "port": port, "refused": refused}))


if __name__ == "__main__":
    main()
