//! A typed filter builder for clients: field handles carry their Rust value type, so a string property
//! cannot be compared with a date-time, and the result is a [`TypedFilter`] that prints as a valid query.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use odata_filter::mde::handles::machine_actions::{self, MachineActionStatus, MachineActionType};
//!
//! let since = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
//! let filter = machine_actions::status()
//!     .eq(MachineActionStatus::Succeeded)
//!     .and(machine_actions::creation_date_time_utc().ge(since))
//!     .and(
//!         machine_actions::type_()
//!             .is_in([MachineActionType::Isolate, MachineActionType::Unisolate])
//!             .or(machine_actions::requestor().starts_with("svc-")),
//!     );
//! assert_eq!(
//!     filter.to_string(),
//!     "status eq 'Succeeded' and creationDateTimeUtc ge 2024-01-01T00:00:00Z \
//!      and (type in ('Isolate', 'Unisolate') or startswith(requestor, 'svc-'))"
//! );
//! let qs = filter
//!     .query()?
//!     .orderby_desc(machine_actions::creation_date_time_utc())
//!     .top(10)?
//!     .to_query_string();
//! assert!(qs.starts_with("$filter=status%20eq%20%27Succeeded%27"));
//! assert!(qs.ends_with("&$orderby=creationDateTimeUtc%20desc&$top=10"));
//!
//! // What the service would refuse is refused here, as the same error.
//! let too_many = machine_actions::status().eq(MachineActionStatus::Pending).query()?.top(20_000);
//! assert_eq!(too_many.unwrap_err().kind(), odata_filter::ErrorKind::TopLimitExceeded);
//! # Ok::<(), odata_filter::Error>(())
//! ```
//!
//! Comparing a field with a value of another type does not compile:
//!
//! ```compile_fail
//! use odata_filter::mde::handles::machine_actions;
//! let f = machine_actions::requestor().eq(chrono::Utc::now());
//! ```

use std::fmt;
use std::sync::Arc;

use crate::error::Error;
use crate::schema::{EntitySet, StructuredType};
use crate::validate::{InvalidNode, LogicalOp, TypedExpr, TypedFilter};

mod handle;
mod query;

pub use handle::{CollectionHandle, FieldType, Handle, Ordered};
pub use query::QueryBuilder;

/// What the builder needs to know of the entity set a handle came from: its name and `$top` cap.
#[derive(Clone, Debug, PartialEq, Eq)]
struct SetFacts {
    name: Arc<str>,
    top_cap: Option<u64>,
}

impl SetFacts {
    fn of(set: &EntitySet) -> Arc<SetFacts> {
        Arc::new(SetFacts {
            name: set.name().into(),
            top_cap: set.top_cap(),
        })
    }
}
/// A node from a checked constructor. The handles' types make a refusal impossible (unless a
/// [`FieldType`] implementation breaks its contract).
fn built<T>(node: Result<T, InvalidNode>) -> T {
    node.unwrap_or_else(|e| panic!("the typed builder built an invalid node: {e}"))
}
/// A Boolean filter built from field handles; combine with [`Filter::and`], [`Filter::or`],
/// [`Filter::not`] (or `!`). Grouping follows construction: `a.and(b.or(c))` prints
/// `a and (b or c)`. `Display` prints the normalized filter text.
#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    expr: TypedExpr,
    entity_type: Arc<StructuredType>,
    set: Arc<SetFacts>,
}

impl Filter {
    fn logical(self, op: LogicalOp, other: Filter) -> Filter {
        Filter {
            expr: built(TypedExpr::logical(op, vec![self.expr, other.expr])),
            entity_type: self.entity_type,
            set: self.set,
        }
    }

    /// `self and other`
    pub fn and(self, other: Filter) -> Filter {
        self.logical(LogicalOp::And, other)
    }

    /// `self or other`
    pub fn or(self, other: Filter) -> Filter {
        self.logical(LogicalOp::Or, other)
    }

    /// `not self`
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Filter {
        Filter {
            expr: built(TypedExpr::not(self.expr)),
            entity_type: self.entity_type,
            set: self.set,
        }
    }

    /// The typed filter (what validating the printed text gives).
    pub fn into_typed(self) -> TypedFilter {
        TypedFilter::new(self.expr, self.entity_type)
    }

    /// A query with this filter, to add paging and ordering to; the entity set the filter's handles
    /// come from is the query's (its `$top` cap applies). A filter too large for the parser's default
    /// [`Limits`](crate::Limits) (longer than 8 KiB printed, too many nodes or list items) is refused, as
    /// [`QueryBuilder::filter`] refuses it.
    pub fn query(self) -> Result<QueryBuilder, Error> {
        QueryBuilder::new().filter(self)
    }
}

impl std::ops::Not for Filter {
    type Output = Filter;
    fn not(self) -> Filter {
        Filter::not(self)
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = crate::validate::expr_to_string(&self.expr, &self.entity_type);
        f.write_str(&text)
    }
}
