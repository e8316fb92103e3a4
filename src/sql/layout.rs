//! The table an entity type is stored in (see [`Layout`]).

use std::sync::Arc;

use chrono::{DateTime, FixedOffset};

use crate::schema::{EdmType, EntitySet, EnumType, StructuredType};
use crate::semantics::scalar as sem;
use crate::sql::Dialect;
// A record's row (`Layout::row`), which only the store (an engine feature) writes.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
use crate::{
    eval::read as ops,
    eval::record::Record,
    sql::{Param, SqlType},
    value::Value,
};

/// The name of the load-order column.
pub(crate) const SEQ_COLUMN: &str = "@seq";
/// The name of the JSON document column.
pub(crate) const DOC_COLUMN: &str = "@doc";

/// How one property is stored.
#[derive(Clone, Debug, PartialEq)]
pub enum ColumnKind {
    /// Text compared ordinally; `derived` when the lower/upper/trim columns exist.
    String {
        /// `p@lower`, `p@upper`, `p@trim` exist.
        derived: bool,
    },
    /// Lower-case hyphenated Guid text.
    Guid,
    /// Enum member name.
    Enum(Arc<EnumType>),
    /// Nanoseconds since the epoch plus `p@offset` minutes.
    DateTimeOffset,
    /// A 64-bit integer.
    Integer,
    /// A Boolean.
    Boolean,
    /// A collection of primitive values, stored as a JSON array text of their stored forms
    /// (the element's kind: `String { derived: false }`, `Guid` or `Enum`).
    Collection(Box<ColumnKind>),
}

/// One stored property.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// Index of the property in the entity type.
    pub index: usize,
    /// The property (and main column) name.
    pub name: String,
    /// The property type.
    pub ty: EdmType,
    /// How it is stored.
    pub kind: ColumnKind,
    /// The property may be null.
    pub nullable: bool,
    /// The property may appear in `$filter` (it gets an index).
    pub filterable: bool,
}

/// The table an entity type is stored in, derived from the entity type (one fact, stated in the
/// schema): typed columns for the primitive properties, the record's JSON document for output.
///
/// | property type | column(s) |
/// |---|---|
/// | `Edm.String` | the text; for filterable properties also `p@lower`, `p@upper`, `p@trim` (the evaluator's Unicode `tolower`/`toupper`/`trim`, computed at load time) |
/// | `Edm.Guid` | lower-case hyphenated text (so equality is case-insensitive, order is the 128-bit order) |
/// | enum (not flags) | the member name, `CHECK` against the members |
/// | `Edm.DateTimeOffset` | `p`: nanoseconds since 1970-01-01T00:00:00Z (exact for 7 or 9 fractional digits); `p@offset`: the offset in minutes |
/// | integers, `Edm.Boolean` | `BIGINT`, Boolean |
/// | `Collection(…)` of strings, Guids or enums | a JSON array text of the elements as the evaluator reads them (text as above, `null` for an element it reads as null); NULL when the record holds no array (then `p eq null` is true and `any`/`all` see no elements) |
/// | anything else | no column (kept in the document only; a filter on it is "not supported") |
///
/// `@seq` numbers records in load order (the evaluator's final tie-break), `@doc` holds the record
/// as loaded, so that a response is byte-identical to the in-memory one. Columns are `NOT NULL` where
/// the property is not nullable; filterable properties are indexed, and the default order
/// (the entity set's, when every key of it has a column; MachineActions: `creationDateTimeUtc desc, id`)
/// has its own index.
#[derive(Clone, Debug)]
pub struct Layout {
    table: String,
    entity_type: Arc<StructuredType>,
    columns: Vec<Column>,
    /// The entity set's default order: schema indices of its keys, and whether each is descending.
    default_order: Vec<(usize, bool)>,
}

/// The smallest and largest storable instants (nanoseconds fit in 64 bits: 1677-09-21 to
/// 2262-04-11). Literals outside are clamped to these bounds, which never changes a comparison's
/// result since stored values lie strictly inside.
pub(crate) const INSTANT_MIN: i64 = i64::MIN;
/// See [`INSTANT_MIN`].
pub(crate) const INSTANT_MAX: i64 = i64::MAX;

/// A literal instant as stored (clamped; see [`INSTANT_MIN`]).
pub(crate) fn instant_param(t: &DateTime<FixedOffset>) -> i64 {
    let n = sem::instant_nanos(t);
    i64::try_from(n).unwrap_or(if n < 0 { INSTANT_MIN } else { INSTANT_MAX })
}

impl Layout {
    /// The layout of `set` (table named after the set).
    ///
    /// ```
    /// use odata_filter::sql::Layout;
    /// let l = Layout::new(odata_filter::mde::machine_actions());
    /// assert_eq!(l.table(), "MachineActions");
    /// assert!(l.column("creationDateTimeUtc").is_some());
    /// assert!(l.column("commands").is_none()); // a collection: in the document only
    /// ```
    pub fn new(set: &EntitySet) -> Layout {
        let ty = set.entity_type();
        let mut columns = Vec::new();
        for (index, p) in ty.properties().iter().enumerate() {
            let filterable = ty
                .property_id(p.name())
                .is_some_and(|id| set.is_filterable(id));
            let kind = match p.ty() {
                EdmType::String => ColumnKind::String {
                    derived: filterable,
                },
                EdmType::Guid => ColumnKind::Guid,
                EdmType::Enum(e) if !e.is_flags() => ColumnKind::Enum(Arc::clone(e)),
                EdmType::DateTimeOffset => ColumnKind::DateTimeOffset,
                t if t.is_integer() => ColumnKind::Integer,
                EdmType::Boolean => ColumnKind::Boolean,
                EdmType::Collection(elem) => match &**elem {
                    EdmType::String => {
                        ColumnKind::Collection(Box::new(ColumnKind::String { derived: false }))
                    }
                    EdmType::Guid => ColumnKind::Collection(Box::new(ColumnKind::Guid)),
                    EdmType::Enum(e) if !e.is_flags() => {
                        ColumnKind::Collection(Box::new(ColumnKind::Enum(Arc::clone(e))))
                    }
                    _ => continue,
                },
                _ => continue,
            };
            columns.push(Column {
                index,
                name: p.name().to_string(),
                ty: p.ty().clone(),
                kind,
                nullable: p.is_nullable(),
                filterable,
            });
        }
        Layout {
            table: set.name().to_string(),
            entity_type: Arc::clone(ty),
            columns,
            default_order: set
                .default_order()
                .iter()
                .map(|&(id, descending)| (id.index(), descending))
                .collect(),
        }
    }

    /// The table name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// The entity type.
    pub fn entity_type(&self) -> &Arc<StructuredType> {
        &self.entity_type
    }

    /// The stored properties, in schema order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The stored property named `name` (exact case).
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The entity set's default order (the order without `$orderby`): each key's column, `None`
    /// where the key is not stored in a column of its own, and whether it is descending.
    pub(crate) fn default_order(&self) -> impl Iterator<Item = (usize, Option<&Column>, bool)> {
        self.default_order
            .iter()
            .map(|&(index, descending)| (index, self.column_at(index), descending))
    }

    /// The stored property at schema index `index`.
    pub(crate) fn column_at(&self, index: usize) -> Option<&Column> {
        self.columns.iter().find(|c| c.index == index)
    }

    /// Physical column names in insert order: `@seq`, the properties' columns, `@doc`.
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    pub(crate) fn physical_columns(&self) -> Vec<String> {
        let mut out = vec![SEQ_COLUMN.to_string()];
        for c in &self.columns {
            out.push(c.name.clone());
            match c.kind {
                ColumnKind::String { derived: true } => {
                    for s in ["lower", "upper", "trim"] {
                        out.push(format!("{}@{s}", c.name));
                    }
                }
                ColumnKind::DateTimeOffset => out.push(format!("{}@offset", c.name)),
                _ => {}
            }
        }
        out.push(DOC_COLUMN.to_string());
        out
    }

    /// `CREATE TABLE` and `CREATE INDEX` statements (idempotent: `IF NOT EXISTS`).
    ///
    /// ```
    /// use odata_filter::sql::{Layout, Sqlite};
    /// let ddl = Layout::new(odata_filter::mde::machine_actions()).create_statements(&Sqlite);
    /// assert!(ddl[0].contains("\"status\" TEXT NOT NULL CHECK (\"status\" IN ('Pending', "));
    /// ```
    pub fn create_statements(&self, d: &dyn Dialect) -> Vec<String> {
        let q = |s: &str| d.quote_ident(s);
        let mut cols = vec![format!("{} BIGINT PRIMARY KEY", q(SEQ_COLUMN))];
        for c in &self.columns {
            let nn = if c.nullable { "" } else { " NOT NULL" };
            let name = q(&c.name);
            match &c.kind {
                ColumnKind::String { derived } => {
                    cols.push(format!("{name} {}{nn}", d.text_type()));
                    if *derived {
                        for s in ["lower", "upper", "trim"] {
                            cols.push(format!(
                                "{} {}{nn}",
                                q(&format!("{}@{s}", c.name)),
                                d.text_type()
                            ));
                        }
                    }
                }
                ColumnKind::Guid => cols.push(format!("{name} {}{nn}", d.text_type())),
                ColumnKind::Enum(e) => {
                    let members: Vec<String> =
                        e.members().iter().map(|m| sql_string(m.name())).collect();
                    cols.push(format!(
                        "{name} {}{nn} CHECK ({name} IN ({}))",
                        d.text_type(),
                        members.join(", ")
                    ));
                }
                ColumnKind::DateTimeOffset => {
                    cols.push(format!("{name} {}{nn}", d.bigint_type()));
                    cols.push(format!(
                        "{} {}{nn}",
                        q(&format!("{}@offset", c.name)),
                        d.bigint_type()
                    ));
                }
                ColumnKind::Integer => cols.push(format!("{name} {}{nn}", d.bigint_type())),
                ColumnKind::Boolean => cols.push(format!("{name} {}{nn}", d.bool_type())),
                // NULL when the record holds no array, whatever the schema's nullability.
                ColumnKind::Collection(_) => cols.push(format!("{name} {}", d.text_type())),
            }
        }
        cols.push(format!("{} {} NOT NULL", q(DOC_COLUMN), d.text_type()));
        let mut out = vec![format!(
            "CREATE TABLE IF NOT EXISTS {} ({})",
            q(&self.table),
            cols.join(", ")
        )];
        out.extend(self.indexes(d).into_iter().map(|(_, create)| create));
        out
    }

    /// The indexes: (quoted name, `CREATE INDEX IF NOT EXISTS …`), one per filterable property
    /// (and its `@lower`/`@upper` columns), one for the default order. A bulk load into an empty
    /// table drops them first and builds them at the end, which is much faster than maintaining
    /// them row by row.
    pub fn indexes(&self, d: &dyn Dialect) -> Vec<(String, String)> {
        let q = |s: &str| d.quote_ident(s);
        let table = q(&self.table);
        let index = |suffix: &str, cols: &str| {
            let name = q(&format!("{}@{suffix}", self.table));
            let create = format!("CREATE INDEX IF NOT EXISTS {name} ON {table} ({cols})");
            (name, create)
        };
        let mut out = Vec::new();
        for c in self
            .columns
            .iter()
            .filter(|c| c.filterable && !matches!(c.kind, ColumnKind::Collection(_)))
        {
            out.push(index(&c.name, &q(&c.name)));
            if matches!(c.kind, ColumnKind::String { derived: true }) {
                for s in ["lower", "upper"] {
                    let n = format!("{}@{s}", c.name);
                    out.push(index(&n, &q(&n)));
                }
            }
        }
        let keys: Option<Vec<String>> = self
            .default_order
            .iter()
            .map(|&(index, descending)| {
                let c = self.column_at(index)?;
                Some(if descending {
                    format!("{} DESC", q(&c.name))
                } else {
                    q(&c.name)
                })
            })
            .collect();
        if let Some(keys) = keys.filter(|k| !k.is_empty()) {
            out.push(index(
                "default-order",
                &format!("{}, {}", keys.join(", "), q(SEQ_COLUMN)),
            ));
        }
        out
    }

    /// The values of one record's columns (in [`Layout::physical_columns`] order), read with the
    /// evaluator's own rules (`ops::field_value`), or why the record cannot be stored.
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    pub(crate) fn row(&self, seq: i64, record: &serde_json::Value) -> Result<Vec<Param>, String> {
        if !record.is_object() {
            return Err("expected a JSON object".into());
        }
        let mut out = vec![Param::Int(seq)];
        for c in &self.columns {
            if let ColumnKind::Collection(elem) = &c.kind {
                let field = record.field(c.index, &c.name);
                out.push(match crate::eval::interp::elements(field) {
                    None => Param::Null(SqlType::Text),
                    Some(items) => {
                        let elem_ty = c.ty.element_type().unwrap_or(&c.ty);
                        let mut array = Vec::with_capacity(items.len());
                        for f in items {
                            array.push(element_json(&c.name, elem, ops::field_value(f, elem_ty))?);
                        }
                        Param::Text(serde_json::Value::Array(array).to_string())
                    }
                });
                continue;
            }
            let v = ops::field_value(record.field(c.index, &c.name), &c.ty);
            if v.is_null() {
                if !c.nullable {
                    return Err(format!(
                        "property '{}' is missing, null or not a valid {}",
                        c.name,
                        type_name(&c.ty)
                    ));
                }
                let (ty, n) = match c.kind {
                    ColumnKind::String { derived: true } => (SqlType::Text, 4),
                    ColumnKind::String { derived: false }
                    | ColumnKind::Guid
                    | ColumnKind::Enum(_) => (SqlType::Text, 1),
                    ColumnKind::DateTimeOffset => (SqlType::Int, 2),
                    ColumnKind::Integer => (SqlType::Int, 1),
                    ColumnKind::Boolean => (SqlType::Bool, 1),
                    ColumnKind::Collection(_) => (SqlType::Text, 1),
                };
                out.extend(std::iter::repeat(Param::Null(ty)).take(n));
                continue;
            }
            match (&c.kind, v) {
                (ColumnKind::String { derived }, Value::String(s)) => {
                    if s.contains('\0') {
                        return Err(format!(
                            "property '{}' holds U+0000, which SQL text columns cannot store",
                            c.name
                        ));
                    }
                    if *derived {
                        out.push(Param::Text(s.clone()));
                        out.push(Param::Text(s.to_lowercase()));
                        out.push(Param::Text(s.to_uppercase()));
                        out.push(Param::Text(sem::trim(&s).to_string()));
                    } else {
                        out.push(Param::Text(s));
                    }
                }
                (ColumnKind::Guid, Value::Guid(g)) => out.push(Param::Text(g.to_string())),
                (ColumnKind::Enum(_), Value::Enum(e)) => match e.member_name() {
                    Some(n) => out.push(Param::Text(n.to_string())),
                    None => return Err(format!("property '{}' is not one member", c.name)),
                },
                (ColumnKind::DateTimeOffset, Value::DateTimeOffset(t)) => {
                    let n = sem::instant_nanos(&t);
                    match i64::try_from(n) {
                        Ok(n) if n != INSTANT_MIN && n != INSTANT_MAX => {
                            out.push(Param::Int(n));
                            out.push(Param::Int(sem::total_offset_minutes(&t)));
                        }
                        _ => {
                            return Err(format!(
                                "property '{}': {t} is outside the storable range 1677-09-22..2262-04-11",
                                c.name
                            ))
                        }
                    }
                }
                (ColumnKind::Integer, Value::Int(i)) => out.push(Param::Int(i)),
                (ColumnKind::Boolean, Value::Boolean(b)) => out.push(Param::Bool(b)),
                (_, v) => {
                    return Err(format!(
                        "property '{}': unexpected value {v:?} for {}",
                        c.name,
                        type_name(&c.ty)
                    ))
                }
            }
        }
        let doc = serde_json::to_string(record).map_err(|e| e.to_string())?;
        out.push(Param::Text(doc));
        Ok(out)
    }
}

/// One collection element in its stored form (see [`ColumnKind::Collection`]).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
fn element_json(name: &str, kind: &ColumnKind, v: Value) -> Result<serde_json::Value, String> {
    Ok(match (kind, v) {
        (_, Value::Null) => serde_json::Value::Null,
        (ColumnKind::String { .. }, Value::String(s)) => {
            if s.contains('\0') {
                return Err(format!(
                    "property '{name}' holds U+0000, which SQL text columns cannot store"
                ));
            }
            serde_json::Value::String(s)
        }
        (ColumnKind::Guid, Value::Guid(g)) => serde_json::Value::String(g.to_string()),
        (ColumnKind::Enum(_), Value::Enum(e)) => match e.member_name() {
            Some(n) => serde_json::Value::String(n.to_string()),
            None => serde_json::Value::Null,
        },
        (_, v) => return Err(format!("property '{name}': unexpected element {v:?}")),
    })
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
fn type_name(ty: &EdmType) -> String {
    match ty {
        EdmType::Enum(e) => e.qualified_name(),
        t => format!("{t:?}"),
    }
}

/// A string as an SQL literal (for schema facts only — enum member names in DDL and `CASE`; user
/// values are always bound).
pub(crate) fn sql_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}
