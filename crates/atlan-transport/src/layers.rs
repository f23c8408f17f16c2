//! The stack's own small layers, for what tower and tower-http do not provide in this shape:
//! bearer auth scoped to one host, a base URI, default headers from a runtime list, and reading the
//! whole response body under a timeout.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::uri::{Authority, PathAndQuery, Scheme};
use http::{HeaderName, HeaderValue, Request, Response, Uri};
use http_body_util::{BodyExt, Full};
use tower::{Layer, Service};

use crate::error::{BoxError, TimeoutKind, TransportError};

/// Adds `authorization: Bearer <key>` (marked sensitive) to requests for the configured host only:
/// relative URIs (completed later by [`BaseUriLayer`]) and absolute URIs with the same scheme and
/// authority. A request that already carries `authorization` keeps it.
#[derive(Clone)]
pub(crate) struct BearerAuthLayer {
    value: HeaderValue,
    scheme: Option<Scheme>,
    authority: Option<Authority>,
}

impl BearerAuthLayer {
    pub(crate) fn new(key: &str, base: &Uri) -> Result<Self, TransportError> {
        let mut value = HeaderValue::from_str(&format!("Bearer {key}")).map_err(|_| {
            TransportError::construction("the API key contains characters a header cannot carry")
        })?;
        value.set_sensitive(true);
        Ok(Self {
            value,
            scheme: base.scheme().cloned(),
            authority: base.authority().cloned(),
        })
    }
}

impl MapRequest for BearerAuthLayer {
    fn map<B>(&self, mut request: Request<B>) -> Request<B> {
        let uri = request.uri();
        let ours = uri.authority().is_none()
            || (uri.authority() == self.authority.as_ref() && uri.scheme() == self.scheme.as_ref());
        if ours && !request.headers().contains_key(http::header::AUTHORIZATION) {
            request
                .headers_mut()
                .insert(http::header::AUTHORIZATION, self.value.clone());
        }
        request
    }
}

/// Makes relative request URIs absolute against the base URL (keeping its path prefix).
#[derive(Clone)]
pub(crate) struct BaseUriLayer {
    scheme: Scheme,
    authority: Authority,
    prefix: String,
}

impl BaseUriLayer {
    pub(crate) fn new(base: &Uri) -> Result<Self, TransportError> {
        let scheme = base
            .scheme()
            .cloned()
            .ok_or_else(|| TransportError::construction("the base URL has no scheme"))?;
        let authority = base
            .authority()
            .cloned()
            .ok_or_else(|| TransportError::construction("the base URL has no host"))?;
        let prefix = base.path().trim_end_matches('/').to_owned();
        Ok(Self {
            scheme,
            authority,
            prefix,
        })
    }

    fn absolute(&self, uri: &Uri) -> Result<Uri, http::Error> {
        let path = uri.path_and_query().map_or("/", PathAndQuery::as_str);
        let joined = if path.starts_with('/') {
            format!("{}{path}", self.prefix)
        } else {
            format!("{}/{path}", self.prefix)
        };
        Uri::builder()
            .scheme(self.scheme.clone())
            .authority(self.authority.clone())
            .path_and_query(joined)
            .build()
    }
}

impl MapRequest for BaseUriLayer {
    fn map<B>(&self, mut request: Request<B>) -> Request<B> {
        if request.uri().authority().is_none()
            && let Ok(absolute) = self.absolute(request.uri())
        {
            *request.uri_mut() = absolute;
        }
        request
    }
}

/// Adds each of a list of headers unless the request already has it.
#[derive(Clone)]
pub(crate) struct DefaultHeadersLayer {
    headers: Arc<Vec<(HeaderName, HeaderValue)>>,
}

impl DefaultHeadersLayer {
    pub(crate) fn new(headers: Vec<(HeaderName, HeaderValue)>) -> Self {
        Self {
            headers: Arc::new(headers),
        }
    }
}

impl MapRequest for DefaultHeadersLayer {
    fn map<B>(&self, mut request: Request<B>) -> Request<B> {
        for (name, value) in self.headers.iter() {
            if !request.headers().contains_key(name) {
                request.headers_mut().insert(name.clone(), value.clone());
            }
        }
        request
    }
}

/// A change to every request: what [`BearerAuthLayer`], [`BaseUriLayer`] and
/// [`DefaultHeadersLayer`] do, each through the one layer and service below.
pub(crate) trait MapRequest: Send + Sync + 'static {
    /// The request, changed.
    fn map<B>(&self, request: Request<B>) -> Request<B>;
}

/// The layer of a [`MapRequest`] (`Arc`ed, so the services it makes share it).
#[derive(Clone)]
pub(crate) struct MapRequestLayer<M>(Arc<M>);

impl<M: MapRequest> MapRequestLayer<M> {
    pub(crate) fn new(map: M) -> Self {
        Self(Arc::new(map))
    }
}

impl<S, M> Layer<S> for MapRequestLayer<M> {
    type Service = MappedRequests<S, M>;

    fn layer(&self, inner: S) -> Self::Service {
        MappedRequests {
            inner,
            map: Arc::clone(&self.0),
        }
    }
}

/// The service of a [`MapRequestLayer`].
#[derive(Clone)]
pub(crate) struct MappedRequests<S, M> {
    inner: S,
    map: Arc<M>,
}

impl<S, M, B> Service<Request<B>> for MappedRequests<S, M>
where
    S: Service<Request<B>>,
    M: MapRequest,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        self.inner.call(self.map.map(request))
    }
}

/// Turns the transport's `Request<Bytes>` into hyper's, and reads the whole response body (under the
/// body timeout, and up to `max_bytes` after decompression) into `Response<Bytes>`; classifies
/// failures as [`TransportError`]s.
#[derive(Clone)]
pub(crate) struct CollectBodyLayer {
    body_timeout: Duration,
    max_bytes: usize,
}

impl CollectBodyLayer {
    pub(crate) fn new(body_timeout: Duration, max_bytes: usize) -> Self {
        Self {
            body_timeout,
            max_bytes,
        }
    }
}

impl<S> Layer<S> for CollectBodyLayer {
    type Service = CollectBody<S>;

    fn layer(&self, inner: S) -> Self::Service {
        CollectBody {
            inner,
            body_timeout: self.body_timeout,
            max_bytes: self.max_bytes,
        }
    }
}

/// The service of [`CollectBodyLayer`].
#[derive(Clone)]
pub(crate) struct CollectBody<S> {
    inner: S,
    body_timeout: Duration,
    max_bytes: usize,
}

impl<S, ResBody> Service<Request<Bytes>> for CollectBody<S>
where
    S: Service<Request<Full<Bytes>>, Response = Response<ResBody>> + Send,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
    ResBody: http_body::Body + Send + 'static,
    ResBody::Data: Send,
    ResBody::Error: Into<BoxError>,
{
    type Response = Response<Bytes>;
    type Error = TransportError;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Bytes>, TransportError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner
            .poll_ready(cx)
            .map_err(|error| TransportError::from_box(error.into()))
    }

    fn call(&mut self, request: Request<Bytes>) -> Self::Future {
        let request = request.map(Full::new);
        let response = self.inner.call(request);
        let (body_timeout, max_bytes) = (self.body_timeout, self.max_bytes);
        Box::pin(async move {
            let response = response
                .await
                .map_err(|error| TransportError::from_box(error.into()))?;
            let (parts, body) = response.into_parts();
            let limited = http_body_util::Limited::new(body, max_bytes);
            let collected = tokio::time::timeout(body_timeout, limited.collect())
                .await
                .map_err(|_| TransportError::Timeout {
                    which: TimeoutKind::Body,
                    to: None,
                })?
                .map_err(|error| {
                    if error.is::<http_body_util::LengthLimitError>() {
                        TransportError::BodyTooLarge { limit: max_bytes }
                    } else {
                        TransportError::Body { source: error }
                    }
                })?;
            Ok(Response::from_parts(parts, collected.to_bytes()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_uri_keeps_the_prefix_and_query() {
        let base = BaseUriLayer::new(&"http://127.0.0.1:9000/atlan/".parse().unwrap()).unwrap();
        let joined = base
            .absolute(&"/api/service/credentials?limit=5".parse().unwrap())
            .unwrap();
        assert_eq!(
            joined.to_string(),
            "http://127.0.0.1:9000/atlan/api/service/credentials?limit=5"
        );
        let plain = BaseUriLayer::new(&"https://tenant.atlan.com".parse().unwrap()).unwrap();
        assert_eq!(
            plain
                .absolute(&"/api/service/whoami".parse().unwrap())
                .unwrap()
                .to_string(),
            "https://tenant.atlan.com/api/service/whoami"
        );
    }
}
