//! The query-string builder: `$filter`, `$orderby`, `$top`, `$skip`, `$select`, `$count`.

use std::sync::Arc;

use crate::ast::Span;
use crate::error::{Error, ErrorKind, Reason};
use crate::options::QueryString;
use crate::schema::EntitySet;

use super::{FieldType, Filter, Handle, SetFacts};

/// A query string under construction: `$filter`, `$orderby`, `$top`, `$skip`, `$select`, `$count`.
///
/// What the service would refuse is refused when it is set, with the error the service's validator
/// gives: [`QueryBuilder::top`] above the entity set's cap, [`QueryBuilder::filter`] too large for the
/// parser's limits.
#[derive(Clone, Debug, Default)]
pub struct QueryBuilder {
    filter: Option<Filter>,
    orderby: Vec<(String, bool)>,
    top: Option<u64>,
    skip: Option<u64>,
    select: Vec<String>,
    count: Option<bool>,
    set: Option<Arc<SetFacts>>,
}

impl QueryBuilder {
    /// An empty query; its entity set (and `$top` cap) is that of the first filter given, unless
    /// [`QueryBuilder::for_set`] names it.
    pub fn new() -> Self {
        QueryBuilder::default()
    }

    /// An empty query over `set`: [`QueryBuilder::top`] checks its cap.
    ///
    /// ```
    /// use odata_filter::builder::QueryBuilder;
    /// let q = QueryBuilder::for_set(odata_filter::mde::machine_actions());
    /// let err = q.top(10_001).unwrap_err();
    /// assert_eq!(err.exceeded().map(|x| (x.limit, x.value)), Some((10_000, 10_001)));
    /// ```
    pub fn for_set(set: &EntitySet) -> Self {
        QueryBuilder {
            set: Some(SetFacts::of(set)),
            ..QueryBuilder::default()
        }
    }

    /// Sets `$filter`. The filter's printed text must fit the parser's default
    /// [`Limits`](crate::Limits) (8 KiB, 1,000 nodes, 10,000 items in a list), as a server reading it
    /// requires; a value too long for them is refused with the parser's [`ErrorKind::LimitExceeded`]
    /// error. The filter's entity set becomes the query's if it had none; a `$top` already set is
    /// checked against its cap.
    ///
    /// ```
    /// use odata_filter::{builder::QueryBuilder, mde::handles::machine_actions as ma, ErrorKind};
    /// let long = "x".repeat(9_000);
    /// let err = QueryBuilder::new().filter(ma::requestor().eq(long)).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::LimitExceeded);
    /// ```
    pub fn filter(mut self, filter: Filter) -> Result<Self, Error> {
        let text = filter.to_string();
        crate::Parser::new().parse(&text)?;
        if self.set.is_none() {
            self.set = Some(Arc::clone(&filter.set));
            if let Some(top) = self.top {
                check_top(top, self.set.as_deref())?;
            }
        }
        self.filter = Some(filter);
        Ok(self)
    }

    /// Appends an ascending `$orderby` key.
    pub fn orderby_asc<T: FieldType>(mut self, field: Handle<T>) -> Self {
        self.orderby.push((field.prop.path_text(), false));
        self
    }

    /// Appends a descending `$orderby` key.
    pub fn orderby_desc<T: FieldType>(mut self, field: Handle<T>) -> Self {
        self.orderby.push((field.prop.path_text(), true));
        self
    }

    /// Sets `$top`: at most the entity set's cap (when the query's entity set is known, from
    /// [`QueryBuilder::for_set`] or the filter), else [`ErrorKind::TopLimitExceeded`] with
    /// [`Reason::TopAboveCap`], the error a server gives; without a known set, at most `i64::MAX`.
    pub fn top(mut self, n: u64) -> Result<Self, Error> {
        check_top(n, self.set.as_deref())?;
        self.top = Some(n);
        Ok(self)
    }

    /// Sets `$skip`.
    pub fn skip(mut self, n: u64) -> Self {
        self.skip = Some(n);
        self
    }

    /// Appends a `$select` property.
    pub fn select<T: FieldType>(mut self, field: Handle<T>) -> Self {
        self.select.push(field.prop.path_text());
        self
    }

    /// Sets `$count`.
    pub fn count(mut self, yes: bool) -> Self {
        self.count = Some(yes);
        self
    }

    /// The query, validated against `set` by the same validator a server uses (for a query built
    /// without knowing its set, this is where the cap of `set` is checked).
    ///
    /// ```
    /// use odata_filter::builder::QueryBuilder;
    /// use odata_filter::mde::handles::machine_actions as ma;
    /// use odata_filter::mde::machine_actions;
    /// let q = QueryBuilder::new().filter(ma::requestor().eq("me"))?.top(2)?.count(true);
    /// assert_eq!(q.build(machine_actions()).unwrap().to_string(), q.to_query_string());
    /// assert!(QueryBuilder::new().top(20_000)?.build(machine_actions()).is_err());
    /// # Ok::<(), odata_filter::Error>(())
    /// ```
    pub fn build(&self, set: &EntitySet) -> Result<crate::query::ValidatedQuery, crate::Errors> {
        crate::query::Query::from_query_string(&self.to_query_string(), set)
    }

    /// The URL-encoded query string, options in the order `$filter $orderby $select $top $skip $count`
    /// (the order of
    /// [`ValidatedQuery`](crate::query::ValidatedQuery)'s `Display`).
    pub fn to_query_string(&self) -> String {
        QueryString {
            filter: self.filter.as_ref().map(|f| f.to_string()),
            orderby: self.orderby.clone(),
            select: (!self.select.is_empty())
                .then(|| self.select.iter().map(String::as_str).collect()),
            top: self.top,
            skip: self.skip,
            count: self.count,
            ..QueryString::default()
        }
        .to_string()
    }
}

/// `$top=n` is within the cap of `set` (when known) and is a value the query string accepts.
fn check_top(n: u64, set: Option<&SetFacts>) -> Result<(), Error> {
    let source = format!("$top={n}");
    let span = Span::new("$top=".len(), source.len());
    match set.and_then(|s| s.top_cap) {
        Some(cap) if n > cap => Err(Error::for_reason(
            ErrorKind::TopLimitExceeded,
            span,
            Reason::TopAboveCap { cap, top: n },
            source,
        )),
        // The query string's own reading of the value (an integer up to `i64::MAX`).
        _ => crate::options::QueryOptions::parse(&source)
            .map(drop)
            .map_err(|e| e.into_vec().swap_remove(0)),
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::mde::handles::machine_actions::*;
    use crate::mde::machine_actions as set;

    #[test]
    fn query_string_has_paging_and_ordering() {
        let qs = status()
            .eq(MachineActionStatus::Pending)
            .query()
            .unwrap()
            .orderby_asc(requestor())
            .orderby_desc(creation_date_time_utc())
            .top(5)
            .unwrap()
            .skip(10)
            .to_query_string();
        assert_eq!(
            qs,
            "$filter=status%20eq%20%27Pending%27&$orderby=requestor,creationDateTimeUtc%20desc&$top=5&$skip=10"
        );
    }

    #[test]
    fn top_is_checked_against_the_cap_when_set() {
        let pending = || status().eq(MachineActionStatus::Pending);
        assert!(pending().query().unwrap().top(10_000).is_ok());
        let e = pending().query().unwrap().top(10_001).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::TopLimitExceeded);
        assert_eq!(
            e.reason(),
            Some(&Reason::TopAboveCap {
                cap: 10_000,
                top: 10_001
            })
        );
        assert_eq!(e.source_text(), "$top=10001");
        assert_eq!(e.span(), Span::new(5, 10));
        // The same refusal as the server's, whatever order the parts are given in.
        let server = crate::query::Query::from_query_string("$top=10001", set()).unwrap_err();
        assert_eq!(server.as_slice()[0].reason(), e.reason());
        let late = QueryBuilder::new().top(10_001).unwrap().filter(pending());
        assert_eq!(late.unwrap_err().kind(), ErrorKind::TopLimitExceeded);
        // Without a set: only what the query string itself refuses.
        assert!(QueryBuilder::new().top(20_000).is_ok());
        let huge = QueryBuilder::new().top(u64::MAX).unwrap_err();
        assert_eq!(huge.kind(), ErrorKind::InvalidQueryOptionValue);
        let machines = QueryBuilder::for_set(crate::mde::machines());
        assert_eq!(
            machines
                .top(10_001)
                .unwrap_err()
                .exceeded()
                .map(|x| x.limit),
            Some(10_000)
        );
    }

    #[test]
    fn values_too_long_for_the_limits_are_refused() {
        let limit = crate::Limits::default().max_length;
        // `requestor eq '…'`: 15 bytes around the value.
        let fits = "x".repeat(limit - 15);
        let q = requestor().eq(fits.as_str()).query().unwrap();
        assert!(q.build(set()).is_ok());
        let e = requestor().eq(format!("{fits}x")).query().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::LimitExceeded);
        assert!(e.message().contains(&format!("{}", limit + 1)), "{e}");
        // A quote is doubled when printed: the printed length is what counts.
        let quotes = "'".repeat(limit / 2);
        assert!(requestor().eq(quotes).query().is_err());
        // Too many list items.
        let many = type_().is_in(vec![MachineActionType::Isolate; 10_001]);
        assert_eq!(many.query().unwrap_err().kind(), ErrorKind::LimitExceeded);
    }
}
