"""The built-in plugins, one per file. Each is registered as `tray_ext.<name>` and can be replaced
or removed: `Tray(builtins={"audit": None, "retries": RetryPlugin(max_rate_limit_retries=20)})`.

- redaction: registers the secrets each call carries; installs the log filter.
- token_refresh: the user-token cache, when to refresh, whether a 401/403 deserves a new token.
- audit: one record per call to the `tray_ext.audit` logger, a JSON Lines file, other sinks.
- retries: which failed attempts to retry and after how long (backoff with full jitter).
- rate_limit: a token bucket per token that keeps the client under Tray's limit.
- tracing: an OpenTelemetry span per call (only when enabled and installed).
"""
