//! Request extensions the caller (or the stack) sets to steer the transport.

/// Marks a request as safe to send twice, such as a read-only POST (`indexsearch`). GET, HEAD, PUT,
/// DELETE and OPTIONS are idempotent without it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Idempotent;

/// The name of the logical operation a request performs (`runs.search`, …), for tracing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationName(pub &'static str);

/// Which attempt of its call a request is (1 for the first); set by the retry layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt(pub u32);

/// A response extension the retry layer sets on an answer that came after the server asked to slow
/// down (429 or 503): how many of the call's attempts were throttled. A caller that sends several
/// requests at once (a concurrent listing) reads it to send fewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled(pub u32);

/// Whether a request may be sent again after it may have reached the server.
pub fn is_idempotent<B>(request: &http::Request<B>) -> bool {
    use http::Method;
    matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    ) || request.extensions().get::<Idempotent>().is_some()
}
