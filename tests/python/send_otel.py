"""Sends one trace to xray-tui --listen with the real OpenTelemetry SDK for Python.

usage: send_otel.py MODE ADDRESS
  MODE is how the spans go:
    http, http-gzip   the OTLP/HTTP protobuf exporter, to http://ADDRESS/v1/traces
    grpc, grpc-gzip   the OTLP/gRPC exporter, to ADDRESS
    udp, udp-unsampled  ADOT's OTLP-over-UDP exporter (as in Lambda), to ADDRESS, marked
                      sampled (T1S) or unsampled (T1U)

The trace: a SERVER span for POST /checkout, under it a CLIENT HTTP call that fails with
an exception and 503, a CLIENT HTTP call throttled with 429, a PostgreSQL query and a
DynamoDB GetItem; an attribute of the server span is listed in aws.xray.annotations.

Prints one JSON line: the trace id in X-Ray's spelling, and how many spans were sent.
"""

import json
import sys

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode


def exporter(mode, address):
    if mode.startswith("http"):
        from opentelemetry.exporter.otlp.proto.http import Compression
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        compression = Compression.Gzip if mode == "http-gzip" else Compression.NoCompression
        return OTLPSpanExporter(
            endpoint=f"http://{address}/v1/traces", compression=compression, timeout=10
        )
    if mode.startswith("grpc"):
        from grpc import Compression
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        compression = Compression.Gzip if mode == "grpc-gzip" else Compression.NoCompression
        return OTLPSpanExporter(
            endpoint=f"http://{address}", insecure=True, compression=compression, timeout=10
        )
    if mode.startswith("udp"):
        from amazon.opentelemetry.distro.otlp_udp_exporter import OTLPUdpSpanExporter

        return OTLPUdpSpanExporter(endpoint=address, sampled=mode == "udp")
    raise SystemExit(f"unknown mode {mode}")


class PaymentDeclined(Exception):
    pass


def charge(tracer):
    """The payment call: the service answers 503 and the client raises."""
    with tracer.start_as_current_span(
        "POST",
        kind=SpanKind.CLIENT,
        record_exception=False,
        set_status_on_exception=False,
    ) as span:
        span.set_attribute("http.request.method", "POST")
        span.set_attribute("url.full", "https://payments.internal/charge")
        span.set_attribute("server.address", "payments.internal")
        span.set_attribute("peer.service", "payments")
        span.set_attribute("http.response.status_code", 503)
        try:
            raise PaymentDeclined("503 Service Unavailable from payments")
        except PaymentDeclined as error:
            span.record_exception(error)
            span.set_status(Status(StatusCode.ERROR, str(error)))


def main():
    mode, address = sys.argv[1], sys.argv[2]
    resource = Resource.create(
        {
            "service.name": "checkout",
            "service.version": "2.4.1",
            "cloud.provider": "aws",
            "cloud.region": "eu-west-1",
        }
    )
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(exporter(mode, address)))
    tracer = provider.get_tracer("xray-tui.tests", "1.0")

    with tracer.start_as_current_span("POST /checkout", kind=SpanKind.SERVER) as server:
        server.set_attribute("http.request.method", "POST")
        server.set_attribute("url.scheme", "https")
        server.set_attribute("server.address", "shop.example.com")
        server.set_attribute("url.path", "/checkout")
        server.set_attribute("client.address", "198.51.100.7")
        server.set_attribute("http.response.status_code", 502)
        server.set_attribute("cart.id", "c-42")
        server.set_attribute("aws.xray.annotations", ["cart.id"])
        server.set_status(Status(StatusCode.ERROR))

        with tracer.start_as_current_span("SELECT shop.carts", kind=SpanKind.CLIENT) as query:
            query.set_attribute("db.system", "postgresql")
            query.set_attribute("db.name", "shop")
            query.set_attribute("db.statement", "SELECT * FROM carts WHERE id = $1")
            query.set_attribute("server.address", "pg.internal")

        charge(tracer)

        with tracer.start_as_current_span("GET", kind=SpanKind.CLIENT) as limited:
            limited.set_attribute("http.request.method", "GET")
            limited.set_attribute("url.full", "https://rates.internal/fx")
            limited.set_attribute("peer.service", "rates")
            limited.set_attribute("http.response.status_code", 429)

        with tracer.start_as_current_span("DynamoDB.GetItem", kind=SpanKind.CLIENT) as dynamo:
            dynamo.set_attribute("rpc.system", "aws-api")
            dynamo.set_attribute("rpc.service", "DynamoDB")
            dynamo.set_attribute("rpc.method", "GetItem")
            dynamo.set_attribute("aws.region", "eu-west-1")
            dynamo.set_attribute("aws.dynamodb.table_names", ["orders"])

        trace_id = format(server.get_span_context().trace_id, "032x")

    if not provider.force_flush(10_000):
        raise SystemExit("the exporter did not flush in time")
    provider.shutdown()
    print(json.dumps({"trace_id": f"1-{trace_id[:8]}-{trace_id[8:]}", "spans": 5}))


if __name__ == "__main__":
    main()
