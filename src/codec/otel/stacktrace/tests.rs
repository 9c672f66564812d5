use super::*;

fn frame<'a>(path: &'a str, line: Option<i64>, label: &'a str) -> Frame<'a> {
    Frame {
        path: Some(path),
        line,
        label: Some(label),
    }
}

const JAVA: &str = "\
java.lang.IllegalStateException: Unable to load order 42
\tat com.example.orders.OrderService.load(OrderService.java:87)
\tat com.example.orders.OrderController.get(OrderController.java:41)
\tat java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)
\tat app//org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:883)
\tSuppressed: java.io.IOException: close failed
\t\tat com.example.orders.Pool.close(Pool.java:12)
Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available,
request timed out after 30000ms.
\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)
\t... 12 more
";

#[test]
fn java_frames_and_causes() {
    let parsed = parse(Some("java"), JAVA);
    assert_eq!(
        parsed.frames,
        [
            frame(
                "OrderService.java",
                Some(87),
                "com.example.orders.OrderService.load"
            ),
            frame(
                "OrderController.java",
                Some(41),
                "com.example.orders.OrderController.get"
            ),
            frame(
                "Native Method",
                None,
                "jdk.internal.reflect.NativeMethodAccessorImpl.invoke0"
            ),
            frame(
                "FrameworkServlet.java",
                Some(883),
                "org.springframework.web.servlet.FrameworkServlet.service"
            ),
        ]
    );
    assert_eq!(parsed.causes.len(), 1);
    let cause = &parsed.causes[0];
    assert_eq!(cause.kind, Some("java.sql.SQLTransientConnectionException"));
    assert_eq!(
        cause.message.as_deref(),
        Some("HikariPool-1 - Connection is not available,\nrequest timed out after 30000ms.")
    );
    assert_eq!(
        cause.frames,
        [frame(
            "HikariPool.java",
            Some(696),
            "com.zaxxer.hikari.pool.HikariPool.createTimeoutException"
        )]
    );
}

const PYTHON: &str = r#"Traceback (most recent call last):
  File "/app/orders/repository.py", line 17, in load
    row = cursor.fetchone()
KeyError: 'order_id'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/usr/lib/python3.12/site-packages/flask/app.py", line 880, in full_dispatch_request
    rv = self.dispatch_request()
         ^^^^^^^^^^^^^^^^^^^^^^^
  File "/app/orders/views.py", line 42, in get_order
    order = repository.load(order_id)
  File "/app/orders/repository.py", line 21, in load
    raise LookupError(f"order {order_id} not found")
LookupError: order 42 not found
"#;

#[test]
fn python_frames_innermost_first_and_the_chained_cause() {
    let parsed = parse(Some("python"), PYTHON);
    assert_eq!(
        parsed.frames,
        [
            frame("/app/orders/repository.py", Some(21), "load"),
            frame("/app/orders/views.py", Some(42), "get_order"),
            frame(
                "/usr/lib/python3.12/site-packages/flask/app.py",
                Some(880),
                "full_dispatch_request"
            ),
        ]
    );
    assert_eq!(parsed.causes.len(), 1);
    assert_eq!(parsed.causes[0].kind, Some("KeyError"));
    assert_eq!(parsed.causes[0].message.as_deref(), Some("'order_id'"));
    assert_eq!(
        parsed.causes[0].frames,
        [frame("/app/orders/repository.py", Some(17), "load")]
    );
}

#[test]
fn python_paths_may_hold_commas() {
    let text = "Traceback (most recent call last):\n  File \"/srv/a, b/x.py\", line 3, in <module>\n    f()\nValueError: bad\n";
    let parsed = parse(Some("python"), text);
    assert_eq!(
        parsed.frames,
        [frame("/srv/a, b/x.py", Some(3), "<module>")]
    );
}

const NODE: &str = "\
Error: connect ECONNREFUSED 10.0.0.12:5432
    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)
    at async Pool.connect (/app/node_modules/pg-pool/index.js:45:11)
    at async /app/src/orders.js:27:18
    at new Promise (<anonymous>)
";

#[test]
fn node_frames_with_and_without_a_function() {
    let parsed = parse(Some("nodejs"), NODE);
    assert_eq!(
        parsed.frames,
        [
            frame(
                "node:net",
                Some(1555),
                "TCPConnectWrap.afterConnect [as oncomplete]"
            ),
            frame(
                "/app/node_modules/pg-pool/index.js",
                Some(45),
                "async Pool.connect"
            ),
            Frame {
                path: Some("/app/src/orders.js"),
                line: Some(27),
                label: None,
            },
            frame("<anonymous>", None, "new Promise"),
        ]
    );
    assert!(parsed.causes.is_empty());
}

const GO: &str = "\
goroutine 34 [running]:
go.opentelemetry.io/otel/sdk/trace.recordStackTrace()
\t/go/pkg/mod/go.opentelemetry.io/otel/sdk@v1.24.0/trace/span.go:775 +0x5c
go.opentelemetry.io/otel/sdk/trace.(*recordingSpan).RecordError(0x14000230000, {0x1029c2e40, 0x14000112000}, {0x0, 0x0, 0x0})
\t/go/pkg/mod/go.opentelemetry.io/otel/sdk@v1.24.0/trace/span.go:533 +0x2a8
main.(*OrderHandler).ServeHTTP(0x1400011e0a0, {0x102a0c1a8, 0x1400019e000}, 0x14000188000)
\t/app/handler.go:58 +0x1b4
created by net/http.(*Server).Serve in goroutine 1
\t/usr/local/go/src/net/http/server.go:3285 +0x3f0
";

#[test]
fn go_frames_pair_a_function_with_its_location() {
    let parsed = parse(Some("go"), GO);
    assert_eq!(
        parsed.frames,
        [
            frame(
                "/go/pkg/mod/go.opentelemetry.io/otel/sdk@v1.24.0/trace/span.go",
                Some(775),
                "go.opentelemetry.io/otel/sdk/trace.recordStackTrace"
            ),
            frame(
                "/go/pkg/mod/go.opentelemetry.io/otel/sdk@v1.24.0/trace/span.go",
                Some(533),
                "go.opentelemetry.io/otel/sdk/trace.(*recordingSpan).RecordError"
            ),
            frame(
                "/app/handler.go",
                Some(58),
                "main.(*OrderHandler).ServeHTTP"
            ),
            frame(
                "/usr/local/go/src/net/http/server.go",
                Some(3285),
                "created by net/http.(*Server).Serve in goroutine 1"
            ),
        ]
    );
}

const DOTNET: &str = "\
System.InvalidOperationException: Order 42 not found
   at Orders.Api.OrderService.Load(Int32 id) in /src/Orders.Api/OrderService.cs:line 87
   at Orders.Api.Controllers.OrdersController.Get(Int32 id) in C:\\src\\Orders.Api\\Controllers\\OrdersController.cs:line 31
   at lambda_method5(Closure , Object , Object[] )
--- End of stack trace from previous location ---
   at Microsoft.AspNetCore.Mvc.Infrastructure.ActionMethodExecutor.Execute(IActionResultTypeMapper mapper)
";

#[test]
fn dotnet_frames_with_and_without_a_file() {
    let parsed = parse(Some("dotnet"), DOTNET);
    assert_eq!(
        parsed.frames,
        [
            frame(
                "/src/Orders.Api/OrderService.cs",
                Some(87),
                "Orders.Api.OrderService.Load(Int32 id)"
            ),
            frame(
                "C:\\src\\Orders.Api\\Controllers\\OrdersController.cs",
                Some(31),
                "Orders.Api.Controllers.OrdersController.Get(Int32 id)"
            ),
            Frame {
                path: None,
                line: None,
                label: Some("lambda_method5(Closure , Object , Object[] )"),
            },
            Frame {
                path: None,
                line: None,
                label: Some(
                    "Microsoft.AspNetCore.Mvc.Infrastructure.ActionMethodExecutor.Execute(IActionResultTypeMapper mapper)"
                ),
            },
        ]
    );
}

#[test]
fn an_unnamed_language_is_told_by_the_shape() {
    for (text, first_path) in [
        (JAVA, "OrderService.java"),
        (PYTHON, "/app/orders/repository.py"),
        (NODE, "node:net"),
        (
            GO,
            "/go/pkg/mod/go.opentelemetry.io/otel/sdk@v1.24.0/trace/span.go",
        ),
        (DOTNET, "/src/Orders.Api/OrderService.cs"),
    ] {
        let parsed = parse(None, text);
        assert_eq!(parsed.frames[0].path, Some(first_path), "{text}");
    }
}

const LANGUAGES: [Option<&str>; 6] = [
    None,
    Some("java"),
    Some("python"),
    Some("nodejs"),
    Some("go"),
    Some("dotnet"),
];

#[test]
fn text_of_no_known_shape_gives_no_frames() {
    for text in ["", "just a message", "Error: x\nno frames here\n"] {
        for language in LANGUAGES {
            assert_eq!(parse(language, text), Parsed::default(), "{language:?}");
        }
    }
}

#[test]
fn cut_or_broken_stack_traces_never_panic() {
    let broken = [
        "\tat ",
        "\tat (",
        "  File \"",
        "  File \"x\", line ",
        "    at ",
        "   at x in ",
        "goroutine\n\t:",
        "\u{e9}\u{1b}\0\n\tat \u{e9}(\u{e9}:\u{e9})",
        "Caused by: \nCaused by: x\n\tat a(b:1)",
        "During handling of the above exception, another exception occurred:",
    ];
    for text in broken {
        for language in LANGUAGES {
            let parsed = parse(language, text);
            assert!(parsed.frames.len() <= text.lines().count());
        }
    }
    // Every sample cut at every character: truncated attributes are common.
    for sample in [JAVA, PYTHON, NODE, GO, DOTNET] {
        for (cut, _) in sample.char_indices() {
            for language in LANGUAGES {
                let parsed = parse(language, &sample[..cut]);
                assert!(parsed.frames.len() <= sample.lines().count());
            }
        }
    }
}
