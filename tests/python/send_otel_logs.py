"""Sends one trace and its logs to xray-tui --listen with the real OpenTelemetry SDK for
Python: Python's logging, through the SDK's LoggingHandler and its OTLP log exporter, while
the spans are current, so each record carries its trace and span ids.

usage: send_otel_logs.py MODE ADDRESS
  MODE is how spans and logs go:
    http, http-gzip   the OTLP/HTTP protobuf exporters, to http://ADDRESS/v1/traces and /v1/logs
    grpc              the OTLP/gRPC exporters, to ADDRESS

The trace: a SERVER span for POST /checkout logging "cart c-42 loaded" (INFO), under it a
CLIENT span "charge" logging "card declined by the issuer" (ERROR); then, outside any span,
"shutting down" (WARNING), which names no trace.

Prints one JSON line: the trace id in X-Ray's spelling, and the two spans' ids.
"""

import json
import logging
import sys
import warnings

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind

warnings.simplefilter("ignore")

from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler  # noqa: E402
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor  # noqa: E402


def exporters(mode, address):
    if mode.startswith("http"):
        from opentelemetry.exporter.otlp.proto.http import Compression
        from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        compression = Compression.Gzip if mode == "http-gzip" else Compression.NoCompression
        return (
            OTLPSpanExporter(
                endpoint=f"http://{address}/v1/traces", compression=compression, timeout=10
            ),
            OTLPLogExporter(
                endpoint=f"http://{address}/v1/logs", compression=compression, timeout=10
            ),
        )
    if mode == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        return (
            OTLPSpanExporter(endpoint=f"http://{address}", insecure=True, timeout=10),
            OTLPLogExporter(endpoint=f"http://{address}", insecure=True, timeout=10),
        )
    raise SystemExit(f"unknown mode {mode}")


def main():
    mode, address = sys.argv[1], sys.argv[2]
    resource = Resource.create({"service.name": "checkout"})
    span_exporter, log_exporter = exporters(mode, address)
    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(BatchSpanProcessor(span_exporter))
    logger_provider = LoggerProvider(resource=resource)
    logger_provider.add_log_record_processor(BatchLogRecordProcessor(log_exporter))
    log = logging.getLogger("checkout")
    log.setLevel(logging.INFO)
    log.propagate = False
    log.addHandler(LoggingHandler(level=logging.INFO, logger_provider=logger_provider))
    tracer = tracer_provider.get_tracer("xray-tui.tests", "1.0")

    with tracer.start_as_current_span("POST /checkout", kind=SpanKind.SERVER) as server:
        server.set_attribute("http.request.method", "POST")
        server.set_attribute("url.path", "/checkout")
        log.info("cart c-42 loaded")
        with tracer.start_as_current_span("charge", kind=SpanKind.CLIENT) as charge:
            charge.set_attribute("peer.service", "payments")
            log.error("card declined by the issuer")
        trace_id = format(server.get_span_context().trace_id, "032x")
        ids = {
            "server": format(server.get_span_context().span_id, "016x"),
            "charge": format(charge.get_span_context().span_id, "016x"),
        }
    log.warning("shutting down")

    if not tracer_provider.force_flush(10_000) or not logger_provider.force_flush(10_000):
        raise SystemExit("the exporters did not flush in time")
    tracer_provider.shutdown()
    logger_provider.shutdown()
    print(json.dumps({"trace_id": f"1-{trace_id[:8]}-{trace_id[8:]}", **ids}))


if __name__ == "__main__":
    main()
