"""The built-in plugins, one per file. Each is registered as `tray_ext.<name>` and can be replaced
or removed: `Tray(builtins={"audit": None, "retries": RetryPlugin(max_rate_limit_retries=20)})`.

- redaction: registers the secrets each call carries; installs the log filter.
- token_refresh: the user-token cache, when to refresh, whether a 401/403 deserves a new token.
- audit: one record per call to the `tray_ext.audit` logger, a JSON Lines file, other sinks.
- retries: which failed attempts to retry and after how long (backoff with full jitter).
- rate_limit: a token bucket per token that keeps the client under Tray's limit.
- tracing: an OpenTelemetry span per call (only when enabled and installed).
- redis_rate_limit: one adaptive token bucket in Redis for every process (when TRAY_REDIS_URL is
  set; `redis_connection` holds what it shares with the next one).
- redis_token_cache: user tokens in Redis, minted once across processes (when TRAY_REDIS_URL is
  set).
"""
