//! A whole request's query string validated against an entity set: the one entry point for servers.
//!
//! [`Query::from_query_string`] parses the options ([`QueryOptions`]), validates `$filter`
//! ([`validate`](crate::validate::validate())), checks `$top` against the entity set's cap, resolves
//! `$orderby` keys (over filterable properties) and `$select` names, and reports every error together.
//! [`mde::error_body`](crate::mde::error_body) renders errors as MDE's 400 response body, in MDE's
//! wording ([`mde::wire_message`](crate::mde::wire_message)).
//!
//! ```
//! use odata_filter::query::Query;
//! use odata_filter::mde::machine_actions;
//!
//! let q = Query::from_query_string(
//!     "$filter=Status+eq+'Succeeded'&$orderby=CreationDateTimeUtc desc&$top=2",
//!     machine_actions(),
//! )
//! .unwrap();
//! assert_eq!(q.top(), Some(2));
//! assert_eq!(
//!     q.to_string(),
//!     "$filter=status%20eq%20%27Succeeded%27&$orderby=creationDateTimeUtc%20desc&$top=2"
//! );
//!
//! let err = Query::from_query_string("$top=20000", machine_actions()).unwrap_err();
//! assert_eq!(
//!     err.as_slice()[0].reason(),
//!     Some(&odata_filter::Reason::TopAboveCap { cap: 10_000, top: 20_000 })
//! );
//! assert_eq!(
//!     err.as_slice()[0].message(),
//!     "$top is 20000; the entity set returns at most 10000 records per request"
//! );
//! ```

use std::fmt;
use std::sync::Arc;

use crate::ast::Span;
use crate::error::{Error, ErrorKind, Errors, Reason, Warning};
use crate::options::{printed_length, QueryOptions, QueryString};
use crate::schema::{EntitySet, Lookup, PropertyId, StructuredType};
use crate::suggest::closest;
use crate::validate::{
    expr_to_string, validate_sort_key, validate_source, Base, TypedExpr, TypedFilter,
    ValidateOptions,
};

/// Entry point: validates a query string against an entity set.
#[derive(Clone, Copy, Debug)]
pub struct Query;

/// One `$orderby` key, type-checked.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderKey {
    expr: TypedExpr,
    descending: bool,
}

impl OrderKey {
    /// The sort key expression (a property in the common case; see [`OrderKey::property`]).
    pub fn expr(&self) -> &TypedExpr {
        &self.expr
    }

    /// The top-level property, when the key is just one (`creationDateTimeUtc desc`).
    pub fn property(&self) -> Option<PropertyId> {
        match &self.expr {
            TypedExpr::Property(p) if p.base() == Base::Root && p.path().len() == 1 => {
                p.path().first().copied()
            }
            _ => None,
        }
    }

    /// `desc` was given.
    pub fn descending(&self) -> bool {
        self.descending
    }
}

/// One resolved `$select` item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelectItem {
    /// `*`: every property.
    All,
    /// One top-level property.
    Property(PropertyId),
}

/// A query string that the service would accept: validated filter, paging, ordering, selection.
///
/// `Display` prints the normalized, URL-encoded query string (options in the order `$filter $orderby
/// $select $top $skip $count $format $skiptoken`, then custom options).
#[derive(Clone, Debug, PartialEq)]
pub struct ValidatedQuery {
    filter: Option<TypedFilter>,
    top: Option<u64>,
    skip: Option<u64>,
    orderby: Vec<OrderKey>,
    select: Option<Vec<SelectItem>>,
    count: Option<bool>,
    format: Option<String>,
    skiptoken: Option<String>,
    custom: Vec<(String, String)>,
    warnings: Vec<Warning>,
    host: Option<String>,
    entity_type: Arc<StructuredType>,
    // The entity set's name, page size (its `$top` cap) and the service root for response URLs.
    entity_set: Arc<str>,
    page_size: Option<u64>,
    service_root: Arc<str>,
    default_order: Vec<(PropertyId, bool)>,
}

impl ValidatedQuery {
    /// The validated `$filter`.
    pub fn filter(&self) -> Option<&TypedFilter> {
        self.filter.as_ref()
    }
    /// `$top` (within the entity set's cap).
    pub fn top(&self) -> Option<u64> {
        self.top
    }
    /// `$skip`.
    pub fn skip(&self) -> Option<u64> {
        self.skip
    }
    /// The `$orderby` keys, most significant first (empty without `$orderby`).
    pub fn orderby(&self) -> &[OrderKey] {
        &self.orderby
    }
    /// The `$select` items, if given.
    pub fn select(&self) -> Option<&[SelectItem]> {
        self.select.as_deref()
    }
    /// `$count`.
    pub fn count(&self) -> Option<bool> {
        self.count
    }
    /// `$format`, as given.
    pub fn format(&self) -> Option<&str> {
        self.format.as_deref()
    }
    /// `$skiptoken`, as given.
    pub fn skiptoken(&self) -> Option<&str> {
        self.skiptoken.as_deref()
    }
    /// Custom (non-`$`) options, decoded, in order.
    pub fn custom(&self) -> &[(String, String)] {
        &self.custom
    }
    /// What was accepted but may not be what was meant (an ignored custom option, a `+` read as a space
    /// inside a string).
    ///
    /// ```
    /// use odata_filter::{mde::machine_actions, query::Query};
    /// let q = Query::from_query_string("$top=1&foo=bar", machine_actions()).unwrap();
    /// assert!(q.warnings()[0].message().contains("'foo'"));
    /// ```
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
    /// The scheme and host of the URL the query came in (`https://api.security.microsoft.com`), when it
    /// came as a whole URL ([`Query::from_url`]): the base of `@odata.context` and `@odata.nextLink`.
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }
    /// The entity type of the entity set the query was validated against.
    pub fn entity_type(&self) -> &Arc<StructuredType> {
        &self.entity_type
    }
    /// The name of the entity set the query was validated against (`MachineActions`).
    pub fn entity_set_name(&self) -> &str {
        &self.entity_set
    }
    /// The entity set's page size (its `$top` cap), if it has one.
    pub fn page_size(&self) -> Option<u64> {
        self.page_size
    }
    /// The service root response URLs (`@odata.context`, `@odata.nextLink`) are built on; by
    /// default `https://api.security.microsoft.com/api/`.
    pub fn service_root(&self) -> &str {
        &self.service_root
    }
    /// The same query answered on another service root (the request's host), e.g.
    /// `https://api-eu.security.microsoft.com/api/`; a missing final `/` is added.
    ///
    /// ```
    /// let q = odata_filter::query::Query::from_query_string("$top=1", odata_filter::mde::machine_actions())
    ///     .unwrap()
    ///     .with_service_root("http://127.0.0.1:8080/api");
    /// assert_eq!(q.service_root(), "http://127.0.0.1:8080/api/");
    /// ```
    pub fn with_service_root(mut self, root: &str) -> Self {
        let mut root = root.to_string();
        if !root.ends_with('/') {
            root.push('/');
        }
        self.service_root = root.into();
        self
    }
    /// The same query with `$skip` set to `skip` (the next page's query).
    pub fn with_skip(mut self, skip: u64) -> Self {
        self.skip = Some(skip);
        self
    }
    /// The entity set's order of results without `$orderby` ([`EntitySet::default_order`]).
    pub fn default_order(&self) -> &[(PropertyId, bool)] {
        &self.default_order
    }
}

impl fmt::Display for ValidatedQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ty = &self.entity_type;
        let string = QueryString {
            filter: self.filter.as_ref().map(|filter| filter.to_string()),
            orderby: self
                .orderby
                .iter()
                .map(|k| (expr_to_string(&k.expr, ty), k.descending))
                .collect(),
            select: self.select.as_ref().map(|select| {
                select
                    .iter()
                    .map(|s| match s {
                        SelectItem::All => "*",
                        SelectItem::Property(id) => ty.property(*id).map_or("", |p| p.name()),
                    })
                    .collect()
            }),
            top: self.top,
            skip: self.skip,
            count: self.count,
            format: self.format.as_deref(),
            skiptoken: self.skiptoken.as_deref(),
            custom: &self.custom,
            ..QueryString::default()
        };
        write!(f, "{string}")
    }
}

/// The span of the value of system option `name` (`top`, …) in the raw query string.
fn option_value_span(raw: &str, name: &str) -> Span {
    let base = usize::from(raw.starts_with('?'));
    let mut offset = base;
    for part in raw[base..].split('&') {
        let at = offset;
        offset += part.len() + 1;
        let (n, v_at, v_len) = match part.find('=') {
            Some(eq) => (&part[..eq], at + eq + 1, part.len() - eq - 1),
            None => continue,
        };
        let bare = n
            .strip_prefix('$')
            .or_else(|| n.strip_prefix("%24"))
            .unwrap_or(n);
        if bare.eq_ignore_ascii_case(name) {
            return Span::new(v_at, v_at + v_len);
        }
    }
    Span::new(0, raw.len())
}

impl Query {
    /// Validates a raw or percent-encoded query string (`$filter=…&$top=…`, a leading `?` allowed)
    /// against `set` with the default [`ValidateOptions`]. Errors of the options point into `qs`; errors
    /// of `$filter`, `$orderby` and `$select` point into that option's decoded value.
    pub fn from_query_string(qs: &str, set: &EntitySet) -> Result<ValidatedQuery, Errors> {
        Query::from_query_string_with(qs, set, &ValidateOptions::default())
    }

    /// [`Query::from_query_string`] with explicit validator settings.
    pub fn from_query_string_with(
        qs: &str,
        set: &EntitySet,
        options: &ValidateOptions,
    ) -> Result<ValidatedQuery, Errors> {
        Query::from_query_string_parsed_with(qs, set, options, &crate::Parser::new())
    }

    /// [`Query::from_query_string_with`], parsing `$filter`, `$orderby` and aliases with `parser` (and
    /// its [`Limits`](crate::Limits)).
    pub fn from_query_string_parsed_with(
        qs: &str,
        set: &EntitySet,
        options: &ValidateOptions,
        parser: &crate::Parser,
    ) -> Result<ValidatedQuery, Errors> {
        let (opts, errors) = QueryOptions::parse_lenient(qs, parser, options.max_orderby_keys);
        let max_length = Some(parser.current_limits().max_length);
        Query::from_parts(opts, qs, set, options, errors, max_length)
    }

    /// Validates a whole URL (`https://api.security.microsoft.com/api/machineactions?$filter=…`, also
    /// `/api/v1.0/…`, or a path without host): its path must end with the entity set's name (any case);
    /// the host is kept on the query ([`ValidatedQuery::host`]).
    ///
    /// ```
    /// use odata_filter::{mde::machine_actions, query::Query};
    /// let q = Query::from_url(
    ///     "https://api.security.microsoft.com/api/machineactions?$filter=status eq 'Pending'",
    ///     machine_actions(),
    /// )
    /// .unwrap();
    /// assert_eq!(q.host(), Some("https://api.security.microsoft.com"));
    /// assert_eq!(q.to_string(), "$filter=status%20eq%20%27Pending%27");
    /// assert!(Query::from_url("https://api.security.microsoft.com/api/machines?$top=1", machine_actions()).is_err());
    /// ```
    pub fn from_url(url: &str, set: &EntitySet) -> Result<ValidatedQuery, Errors> {
        Query::from_url_with(
            url,
            set,
            &ValidateOptions::default(),
            &crate::Parser::new(),
            &[set.name()],
        )
    }

    /// True when `text` is a URL or a path (`https://…`, `/api/…`) rather than a bare query string.
    pub fn is_url(text: &str) -> bool {
        text.starts_with('/') || text.starts_with("https://") || text.starts_with("http://")
    }

    /// [`Query::from_url`] with explicit validator settings; `supported` names the entity sets the
    /// caller serves, for the message when the path names another.
    pub fn from_url_with(
        url: &str,
        set: &EntitySet,
        options: &ValidateOptions,
        parser: &crate::Parser,
        supported: &[&str],
    ) -> Result<ValidatedQuery, Errors> {
        let (path, qs) = url.split_once('?').unwrap_or((url, ""));
        let (host, path) = match path.find("://") {
            Some(i) => {
                let rest = &path[i + 3..];
                let host_end = rest.find('/').map_or(path.len(), |j| i + 3 + j);
                (Some(&path[..host_end]), &path[host_end..])
            }
            None => (None, path),
        };
        let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        if !last.eq_ignore_ascii_case(set.name()) {
            let start = host.map_or(0, str::len);
            let reason = Reason::WrongEntitySet {
                path: path.to_string(),
                entity_set: set.name().to_string(),
                supported: supported
                    .iter()
                    .map(|s| format!("/api/{}", s.to_ascii_lowercase()))
                    .collect(),
            };
            return Err(Error::for_reason(
                ErrorKind::InvalidQueryString,
                Span::new(start, start + path.len()),
                reason,
                url,
            )
            .into());
        }
        let mut q = Query::from_query_string_parsed_with(qs, set, options, parser)?;
        if let Some(host) = host {
            // Responses name the request's host: the service root is the path up to the entity set.
            let root = &url[..host.len() + path.trim_end_matches('/').len() - last.len()];
            q = q.with_service_root(root);
            q.host = Some(host.to_string());
        }
        Ok(q)
    }

    /// Validates already parsed options; `raw` is the query string they came from (for spans).
    pub fn from_options(
        opts: QueryOptions,
        raw: &str,
        set: &EntitySet,
        options: &ValidateOptions,
    ) -> Result<ValidatedQuery, Errors> {
        Query::from_parts(opts, raw, set, options, Vec::new(), None)
    }

    fn from_parts(
        opts: QueryOptions,
        raw: &str,
        set: &EntitySet,
        options: &ValidateOptions,
        option_errors: Vec<(usize, Error)>,
        max_length: Option<usize>,
    ) -> Result<ValidatedQuery, Errors> {
        let raw_arc: Arc<str> = Arc::from(raw);
        let mut errors: Vec<(usize, Error)> = option_errors;
        let filter = match &opts.filter {
            None => None,
            Some(fo) => match validate_source(&fo.expr, set, options, fo.text.clone()) {
                // The validated filter prints the text that is read back: it must fit the same limit.
                Ok(f) => match max_length.map(|limit| (limit, printed_length(&f))) {
                    Some((limit, length)) if length > limit => {
                        errors.push((
                            fo.span_in_query(Span::new(0, fo.text.len())).start,
                            Error::for_reason(
                                ErrorKind::LimitExceeded,
                                Span::new(0, fo.text.len()),
                                Reason::NormalizedTooLong {
                                    length: length as u64,
                                    limit: limit as u64,
                                },
                                fo.text.clone(),
                            ),
                        ));
                        None
                    }
                    _ => Some(f),
                },
                Err(e) => {
                    errors.extend(e.into_iter().map(|e| (fo.span_in_query(e.span()).start, e)));
                    None
                }
            },
        };
        if let (Some(top), Some(cap)) = (opts.top, set.top_cap()) {
            if top > cap {
                let span = option_value_span(raw, "top");
                errors.push((
                    span.start,
                    Error::for_reason(
                        ErrorKind::TopLimitExceeded,
                        span,
                        Reason::TopAboveCap { cap, top },
                        raw_arc.clone(),
                    ),
                ));
            }
        }
        for (name, value) in [("$search", &opts.search), ("$expand", &opts.expand)] {
            if value.is_some() {
                let bare = &name[1..];
                let span = option_value_span(raw, bare);
                errors.push((
                    span.start,
                    Error::for_reason(
                        ErrorKind::Unsupported,
                        span,
                        Reason::OptionNotSupported {
                            option: name.to_string(),
                            entity_set: set.name().to_string(),
                        },
                        raw_arc.clone(),
                    ),
                ));
            }
        }
        // The service answers JSON only and pages by `$skip`.
        let json_format = |f: &String| {
            let media = f.split(';').next().unwrap_or("").trim();
            media.eq_ignore_ascii_case("json") || media.eq_ignore_ascii_case("application/json")
        };
        for (value, bare) in [
            (opts.skiptoken.as_ref(), "skiptoken"),
            (opts.format.as_ref().filter(|f| !json_format(f)), "format"),
        ] {
            if let Some(value) = value {
                let span = option_value_span(raw, bare);
                errors.push((
                    span.start,
                    Error::for_reason(
                        ErrorKind::Unsupported,
                        span,
                        Reason::OptionNotAllowed {
                            option: format!("${bare}"),
                            value: value.clone(),
                        },
                        raw_arc.clone(),
                    ),
                ));
            }
        }
        let mut orderby = Vec::new();
        if let Some(ob) = &opts.orderby {
            for item in &ob.items {
                let at = option_value_span(raw, "orderby").start;
                match validate_sort_key(&item.expr, set, options, ob.text.clone()) {
                    Ok(expr) => orderby.push(OrderKey {
                        expr,
                        descending: item.descending,
                    }),
                    Err(es) => errors.extend(es.into_iter().map(|e| (at + e.span().start, e))),
                }
            }
        }
        let select = opts.select.as_ref().map(|sel| {
            let ty = set.entity_type();
            let mut items = Vec::new();
            for ident in &sel.items {
                if ident.name == "*" {
                    items.push(SelectItem::All);
                    continue;
                }
                match ty.lookup(&ident.name, !options.strict_case) {
                    Lookup::Found(id) => items.push(SelectItem::Property(id)),
                    _ => {
                        let suggestion =
                            closest(&ident.name, ty.properties().iter().map(|p| p.name()));
                        let e = Error::for_reason(
                            ErrorKind::UnknownProperty,
                            ident.span,
                            Reason::UnknownProperty {
                                property: ident.name.clone(),
                                type_name: ty.name().to_string(),
                                suggestion: suggestion.map(str::to_string),
                            },
                            sel.text.clone(),
                        );
                        let at = option_value_span(raw, "select").start;
                        errors.push((at + ident.span.start, e));
                    }
                }
            }
            items
        });
        if !errors.is_empty() {
            errors.sort_by_key(|(at, e)| (*at, e.span().end));
            return Err(Errors::new(errors.into_iter().map(|(_, e)| e).collect()));
        }
        Ok(ValidatedQuery {
            filter,
            top: opts.top,
            skip: opts.skip,
            orderby,
            select,
            count: opts.count,
            format: opts.format,
            skiptoken: opts.skiptoken,
            custom: opts.custom,
            warnings: opts.warnings,
            host: None,
            entity_type: Arc::clone(set.entity_type()),
            entity_set: set.name().into(),
            page_size: set.top_cap(),
            service_root: crate::mde::SERVICE_ROOT.into(),
            default_order: set.default_order().to_vec(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mde::{machine_actions, machines};

    fn kinds(qs: &str) -> Vec<ErrorKind> {
        Query::from_query_string(qs, machine_actions())
            .err()
            .map(|e| e.iter().map(Error::kind).collect())
            .unwrap_or_default()
    }

    #[test]
    fn every_option_is_resolved_and_printed_canonically() {
        let q = Query::from_query_string(
            "?$select=ID,status,*&$count=true&$skip=5&$orderby=tolower(Requestor),id desc&$format=json&x=1&$top=0",
            machine_actions(),
        )
        .unwrap();
        let ty = machine_actions().entity_type();
        assert_eq!(q.top(), Some(0));
        assert_eq!(q.skip(), Some(5));
        assert_eq!(q.count(), Some(true));
        assert_eq!(
            q.select(),
            Some(
                &[
                    SelectItem::Property(ty.property_id("id").unwrap()),
                    SelectItem::Property(ty.property_id("status").unwrap()),
                    SelectItem::All
                ][..]
            )
        );
        assert_eq!(q.orderby().len(), 2);
        assert_eq!(q.orderby()[0].property(), None);
        assert_eq!(q.orderby()[1].property(), ty.property_id("id"));
        assert!(q.orderby()[1].descending());
        assert_eq!(
            q.to_string(),
            "$orderby=tolower(requestor),id%20desc&$select=id,status,*&$top=0&$skip=5&$count=true&$format=json&x=1"
        );
        assert!(q.filter().is_none());
    }

    #[test]
    fn top_cap_is_the_entity_sets() {
        assert!(kinds("$top=10000").is_empty());
        assert_eq!(kinds("$top=10001"), [ErrorKind::TopLimitExceeded]);
        let custom =
            crate::schema::EntitySet::builder("Few", machine_actions().entity_type().clone())
                .top_cap(5)
                .build()
                .unwrap();
        let e = Query::from_query_string("$TOP=6", &custom).unwrap_err();
        assert_eq!(e.as_slice()[0].span(), Span::new(5, 6));
        assert_eq!(e.as_slice()[0].source_text(), "$TOP=6");
    }

    #[test]
    fn orderby_and_select_are_checked_against_the_schema() {
        assert_eq!(
            kinds("$orderby=computerDnsName"),
            [ErrorKind::PropertyNotFilterable]
        );
        assert_eq!(kinds("$orderby=nope desc"), [ErrorKind::UnknownProperty]);
        assert_eq!(
            kinds("$orderby=status eq 'Pending'"),
            Vec::<ErrorKind>::new(),
            "a Boolean key is orderable"
        );
        assert_eq!(kinds("$select=nope"), [ErrorKind::UnknownProperty]);
        assert_eq!(kinds("$search=x"), [ErrorKind::Unsupported]);
        assert_eq!(
            kinds("$filter=foo eq 1&$orderby=bar&$select=baz&$top=99999"),
            [
                ErrorKind::UnknownProperty,
                ErrorKind::UnknownProperty,
                ErrorKind::UnknownProperty,
                ErrorKind::TopLimitExceeded,
            ],
            "sorted by position in the query string"
        );
    }

    #[test]
    fn aliases_and_machines() {
        let q = Query::from_query_string(
            "$filter=healthStatus in @h and 'prod' in machineTags&@h=('Active','Inactive')",
            machines(),
        )
        .unwrap();
        assert_eq!(
            q.filter().unwrap().to_string(),
            "healthStatus in ('Active', 'Inactive') and 'prod' in machineTags"
        );
    }
}
