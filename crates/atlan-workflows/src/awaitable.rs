//! Builders that run when awaited: `client.workflows().rerun(id).idempotent().await`.

/// Implements [`IntoFuture`](std::future::IntoFuture) for a builder with an
/// `async fn send(self) -> Result<T>`, so that awaiting the builder sends it.
macro_rules! awaitable {
    ($builder:ident, $output:ty) => {
        impl std::future::IntoFuture for $builder {
            type Output = $crate::Result<$output>;
            type IntoFuture = futures_util::future::BoxFuture<'static, Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}
