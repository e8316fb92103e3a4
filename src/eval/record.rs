//! Records: what a filter is evaluated against.
//!
//! A [`Record`] hands out the value of one of its properties, addressed by the property's position in
//! its schema type (a `PropertyId` index) *and* its canonical name; a typed struct uses the index (a
//! jump table), a JSON object uses the name. Nested complex values and collections come back as
//! [`Field::Node`] / [`Field::Items`] (or as raw [`Field::Json`]), so paths like
//! `relatedFileInfo/fileIdentifier` and lambdas over `commands` work on both.
//!
//! Records never fail: a missing property or a value of the wrong JSON type is simply interpreted as
//! null by the evaluator.
//!
//! ```
//! use odata_filter::eval::{Field, Record};
//! let json = serde_json::json!({"status": "Pending", "machineId": null});
//! let obj = json.as_object().unwrap();
//! assert!(matches!(obj.field(5, "status"), Field::Json(v) if v == "Pending"));
//! assert!(matches!(obj.field(6, "machineId"), Field::Null));
//! assert!(matches!(obj.field(0, "nope"), Field::Null));
//! ```

use chrono::{DateTime, FixedOffset};
use uuid::Uuid;

use crate::model::{Command, CommandParam, LiveResponseCommand, MachineAction, RelatedFileInfo};

/// The value of one property of a record, borrowed from it.
#[derive(Clone, Copy)]
pub enum Field<'r> {
    /// Null, or absent.
    Null,
    /// A Boolean.
    Bool(bool),
    /// Any integer type.
    Int(i64),
    /// `Edm.Double`/`Edm.Single`.
    Double(f64),
    /// A string.
    Str(&'r str),
    /// A Guid.
    Guid(Uuid),
    /// A date-time with its offset.
    DateTimeOffset(DateTime<FixedOffset>),
    /// An enum member: its integer value (for the built-in MDE enums: the declared position) and name.
    Enum {
        /// The member's integer value.
        value: i64,
        /// The member's name.
        name: &'r str,
    },
    /// A JSON value, interpreted by the evaluator against the property's declared type (a string may
    /// be a Guid, a date-time or an enum member; an object is a complex value; an array a collection).
    Json(&'r serde_json::Value),
    /// A complex value (a nested record).
    Node(&'r dyn Record),
    /// A collection.
    Items(&'r dyn Items),
}

impl std::fmt::Debug for Field<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Field::Null => f.write_str("Null"),
            Field::Bool(b) => write!(f, "Bool({b})"),
            Field::Int(i) => write!(f, "Int({i})"),
            Field::Double(d) => write!(f, "Double({d})"),
            Field::Str(s) => write!(f, "Str({s:?})"),
            Field::Guid(g) => write!(f, "Guid({g})"),
            Field::DateTimeOffset(t) => write!(f, "DateTimeOffset({})", t.to_rfc3339()),
            Field::Enum { value, name } => write!(f, "Enum({name}={value})"),
            Field::Json(v) => write!(f, "Json({v})"),
            Field::Node(_) => f.write_str("Node(..)"),
            Field::Items(items) => write!(f, "Items(len {})", items.len()),
        }
    }
}

/// Property access for evaluation: `index` is the property's position in its schema type (its
/// `PropertyId`), `name` its canonical name. Implementations may use either.
///
/// ```
/// use odata_filter::eval::{Field, Record};
/// struct Point { x: i64 }
/// impl Record for Point {
///     fn field(&self, index: usize, _name: &str) -> Field<'_> {
///         match index { 0 => Field::Int(self.x), _ => Field::Null }
///     }
/// }
/// assert!(matches!(Point { x: 3 }.field(0, "x"), Field::Int(3)));
/// ```
pub trait Record {
    /// The value of the property at `index` named `name`; [`Field::Null`] when absent.
    fn field(&self, index: usize, name: &str) -> Field<'_>;

    /// True when [`Record::field`] dispatches on `index` with a `match` that folds away for a
    /// constant index (a typed struct): compiled filters then run one specialised loop per property.
    /// Default `false` (name-based records gain nothing from it).
    fn indexed() -> bool
    where
        Self: Sized,
    {
        false
    }
}

/// A collection value of a record: indexed access to its elements.
pub trait Items {
    /// Number of elements.
    fn len(&self) -> usize;
    /// True when there are no elements.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The element at `i` (null when out of range).
    fn item(&self, i: usize) -> Field<'_>;
}

impl Record for serde_json::Map<String, serde_json::Value> {
    fn field(&self, _index: usize, name: &str) -> Field<'_> {
        match self.get(name) {
            None | Some(serde_json::Value::Null) => Field::Null,
            Some(v) => Field::Json(v),
        }
    }
}

/// A JSON value as a record: an object's properties; anything else has none (all null).
impl Record for serde_json::Value {
    fn field(&self, index: usize, name: &str) -> Field<'_> {
        match self {
            serde_json::Value::Object(map) => map.field(index, name),
            _ => Field::Null,
        }
    }
}

impl<R: Record + ?Sized> Record for &R {
    fn field(&self, index: usize, name: &str) -> Field<'_> {
        (**self).field(index, name)
    }
}

impl<R: Record + ?Sized> Record for Box<R> {
    fn field(&self, index: usize, name: &str) -> Field<'_> {
        (**self).field(index, name)
    }
}

impl<R: Record> Items for Vec<R> {
    fn len(&self) -> usize {
        <[R]>::len(self)
    }

    fn item(&self, i: usize) -> Field<'_> {
        match self.get(i) {
            Some(r) => Field::Node(r),
            None => Field::Null,
        }
    }
}

impl Items for Vec<String> {
    fn len(&self) -> usize {
        <[String]>::len(self)
    }

    fn item(&self, i: usize) -> Field<'_> {
        self.get(i).map_or(Field::Null, |s| Field::Str(s))
    }
}

fn opt_str(s: &Option<String>) -> Field<'_> {
    s.as_deref().map_or(Field::Null, Field::Str)
}

/// Positions of the `MachineAction` properties (the schema's property order, which is the wire order).
pub(crate) mod machine_action_index {
    pub const ID: usize = 0;
    pub const TYPE: usize = 1;
    pub const TITLE: usize = 2;
    pub const REQUESTOR: usize = 3;
    pub const REQUESTOR_COMMENT: usize = 4;
    pub const STATUS: usize = 5;
    pub const MACHINE_ID: usize = 6;
    pub const COMPUTER_DNS_NAME: usize = 7;
    pub const CREATION: usize = 8;
    pub const LAST_UPDATE: usize = 9;
    pub const CANCELLATION_REQUESTOR: usize = 10;
    pub const CANCELLATION_COMMENT: usize = 11;
    pub const CANCELLATION_TIME: usize = 12;
    pub const ERROR_HRESULT: usize = 13;
    pub const SCOPE: usize = 14;
    pub const EXTERNAL_ID: usize = 15;
    pub const REQUEST_SOURCE: usize = 16;
    pub const RELATED_FILE_INFO: usize = 17;
    pub const COMMANDS: usize = 18;
    pub const TROUBLESHOOT_INFO: usize = 19;
}

/// The wire names of `MachineAction`, in schema (and wire) order: `MACHINE_ACTION_PROPERTIES[i]` is
/// the property at index `i`.
pub const MACHINE_ACTION_PROPERTIES: [&str; 20] = [
    "id",
    "type",
    "title",
    "requestor",
    "requestorComment",
    "status",
    "machineId",
    "computerDnsName",
    "creationDateTimeUtc",
    "lastUpdateDateTimeUtc",
    "cancellationRequestor",
    "cancellationComment",
    "cancellationDateTimeUtc",
    "errorHResult",
    "scope",
    "externalId",
    "requestSource",
    "relatedFileInfo",
    "commands",
    "troubleshootInfo",
];

impl Record for MachineAction {
    fn indexed() -> bool {
        true
    }

    #[inline(always)]
    fn field(&self, index: usize, _name: &str) -> Field<'_> {
        use machine_action_index as i;
        match index {
            i::ID => Field::Guid(self.id),
            i::TYPE => Field::Enum {
                value: i64::from(self.action_type.ordinal()),
                name: self.action_type.name(),
            },
            i::TITLE => opt_str(&self.title),
            i::REQUESTOR => Field::Str(&self.requestor),
            i::REQUESTOR_COMMENT => opt_str(&self.requestor_comment),
            i::STATUS => Field::Enum {
                value: i64::from(self.status.ordinal()),
                name: self.status.name(),
            },
            i::MACHINE_ID => opt_str(&self.machine_id),
            i::COMPUTER_DNS_NAME => opt_str(&self.computer_dns_name),
            i::CREATION => Field::DateTimeOffset(self.creation_date_time_utc.fixed_offset()),
            i::LAST_UPDATE => self
                .last_update_date_time_utc
                .map_or(Field::Null, |t| Field::DateTimeOffset(t.fixed_offset())),
            i::CANCELLATION_REQUESTOR => opt_str(&self.cancellation_requestor),
            i::CANCELLATION_COMMENT => opt_str(&self.cancellation_comment),
            i::CANCELLATION_TIME => self
                .cancellation_date_time_utc
                .map_or(Field::Null, |t| Field::DateTimeOffset(t.fixed_offset())),
            i::ERROR_HRESULT => Field::Int(i64::from(self.error_h_result)),
            i::SCOPE => opt_str(&self.scope),
            i::EXTERNAL_ID => opt_str(&self.external_id),
            i::REQUEST_SOURCE => opt_str(&self.request_source),
            i::RELATED_FILE_INFO => self
                .related_file_info
                .as_ref()
                .map_or(Field::Null, |r| Field::Node(r)),
            i::COMMANDS => Field::Items(&self.commands),
            i::TROUBLESHOOT_INFO => match &self.troubleshoot_info {
                None | Some(serde_json::Value::Null) => Field::Null,
                Some(v) => Field::Json(v),
            },
            _ => Field::Null,
        }
    }
}

impl Record for RelatedFileInfo {
    fn field(&self, index: usize, _name: &str) -> Field<'_> {
        match index {
            0 => Field::Str(&self.file_identifier),
            1 => Field::Enum {
                value: i64::from(self.file_identifier_type.ordinal()),
                name: self.file_identifier_type.name(),
            },
            _ => Field::Null,
        }
    }
}

impl Record for LiveResponseCommand {
    fn field(&self, index: usize, _name: &str) -> Field<'_> {
        match index {
            0 => Field::Int(i64::from(self.index)),
            1 => self
                .start_time
                .map_or(Field::Null, |t| Field::DateTimeOffset(t.fixed_offset())),
            2 => self
                .end_time
                .map_or(Field::Null, |t| Field::DateTimeOffset(t.fixed_offset())),
            3 => Field::Enum {
                value: i64::from(self.command_status.ordinal()),
                name: self.command_status.name(),
            },
            4 => Field::Items(&self.errors),
            5 => Field::Node(&self.command),
            _ => Field::Null,
        }
    }
}

impl Record for Command {
    fn field(&self, index: usize, _name: &str) -> Field<'_> {
        match index {
            0 => Field::Enum {
                value: i64::from(self.command_type.ordinal()),
                name: self.command_type.name(),
            },
            1 => Field::Items(&self.params),
            _ => Field::Null,
        }
    }
}

impl Record for CommandParam {
    fn field(&self, index: usize, _name: &str) -> Field<'_> {
        match index {
            0 => Field::Str(&self.key),
            1 => Field::Str(&self.value),
            _ => Field::Null,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_indices_follow_the_wire_order() {
        let a = &crate::sample::docs_example_actions()[2];
        let json = serde_json::to_value(a).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, MACHINE_ACTION_PROPERTIES);
        assert!(matches!(
            a.field(1, "type"),
            Field::Enum {
                name: "StopAndQuarantineFile",
                value: 6
            }
        ));
        assert!(matches!(
            a.field(6, ""),
            Field::Str("f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f")
        ));
        assert!(matches!(a.field(2, ""), Field::Null));
        assert!(matches!(a.field(99, ""), Field::Null));
        let Field::Node(info) = a.field(17, "") else {
            panic!()
        };
        assert!(matches!(
            info.field(1, ""),
            Field::Enum { name: "Sha1", .. }
        ));
    }

    #[test]
    fn json_non_objects_have_no_properties() {
        assert!(matches!(serde_json::json!([1]).field(0, "a"), Field::Null));
        assert!(matches!(
            serde_json::json!({"a": 1}).field(0, "a"),
            Field::Json(_)
        ));
    }
}
