//! EDM types: the primitives, enum and complex types and collections a property can have.

use std::fmt;
use std::sync::Arc;

use super::{EnumType, StructuredType};

/// A type of the Entity Data Model: a primitive, an enum, a complex type or a collection of one of those.
///
/// Enum and complex types are shared behind an [`Arc`]; equality compares their contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EdmType {
    /// `Edm.Boolean`
    Boolean,
    /// `Edm.Byte` (unsigned 8-bit)
    Byte,
    /// `Edm.SByte` (signed 8-bit)
    SByte,
    /// `Edm.Int16`
    Int16,
    /// `Edm.Int32`
    Int32,
    /// `Edm.Int64`
    Int64,
    /// `Edm.Decimal`
    Decimal,
    /// `Edm.Single`
    Single,
    /// `Edm.Double`
    Double,
    /// `Edm.String`
    String,
    /// `Edm.Guid`
    Guid,
    /// `Edm.Date`
    Date,
    /// `Edm.DateTimeOffset`
    DateTimeOffset,
    /// `Edm.TimeOfDay`
    TimeOfDay,
    /// `Edm.Duration`
    Duration,
    /// `Edm.Binary`
    Binary,
    /// An enum type of the schema.
    Enum(Arc<EnumType>),
    /// A complex (structured, keyless) type of the schema.
    Complex(Arc<StructuredType>),
    /// A collection of elements of the inner type.
    Collection(Box<EdmType>),
}

impl EdmType {
    /// The primitive type named `Edm.X` (the `Edm.` prefix is required, the name is case-sensitive as in
    /// CSDL).
    pub(crate) fn primitive_from_name(name: &str) -> Option<EdmType> {
        let short = name.strip_prefix("Edm.")?;
        Some(match short {
            "Boolean" => EdmType::Boolean,
            "Byte" => EdmType::Byte,
            "SByte" => EdmType::SByte,
            "Int16" => EdmType::Int16,
            "Int32" => EdmType::Int32,
            "Int64" => EdmType::Int64,
            "Decimal" => EdmType::Decimal,
            "Single" => EdmType::Single,
            "Double" => EdmType::Double,
            "String" => EdmType::String,
            "Guid" => EdmType::Guid,
            "Date" => EdmType::Date,
            "DateTimeOffset" => EdmType::DateTimeOffset,
            "TimeOfDay" => EdmType::TimeOfDay,
            "Duration" => EdmType::Duration,
            "Binary" => EdmType::Binary,
            _ => return None,
        })
    }

    /// True for the integer types `Byte SByte Int16 Int32 Int64`.
    pub(crate) fn is_integer(&self) -> bool {
        matches!(
            self,
            EdmType::Byte | EdmType::SByte | EdmType::Int16 | EdmType::Int32 | EdmType::Int64
        )
    }

    /// True for integers, `Decimal`, `Single` and `Double`.
    pub(crate) fn is_numeric(&self) -> bool {
        self.is_integer() || matches!(self, EdmType::Decimal | EdmType::Single | EdmType::Double)
    }

    /// True for the primitive types (not enum, complex or collection).
    pub fn is_primitive(&self) -> bool {
        !matches!(
            self,
            EdmType::Enum(_) | EdmType::Complex(_) | EdmType::Collection(_)
        )
    }

    /// The element type of a collection, `None` for other types.
    pub fn element_type(&self) -> Option<&EdmType> {
        match self {
            EdmType::Collection(inner) => Some(inner),
            _ => None,
        }
    }

    /// The enum type, if this is one.
    pub fn as_enum(&self) -> Option<&Arc<EnumType>> {
        match self {
            EdmType::Enum(e) => Some(e),
            _ => None,
        }
    }

    /// The complex type, if this is one.
    pub fn as_complex(&self) -> Option<&Arc<StructuredType>> {
        match self {
            EdmType::Complex(c) => Some(c),
            _ => None,
        }
    }
}

/// The qualified name as OData writes it: `Edm.String`, `microsoft.windowsDefenderATP.api.MachineActionStatus`,
/// `Collection(Edm.String)`.
impl fmt::Display for EdmType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            EdmType::Boolean => "Edm.Boolean",
            EdmType::Byte => "Edm.Byte",
            EdmType::SByte => "Edm.SByte",
            EdmType::Int16 => "Edm.Int16",
            EdmType::Int32 => "Edm.Int32",
            EdmType::Int64 => "Edm.Int64",
            EdmType::Decimal => "Edm.Decimal",
            EdmType::Single => "Edm.Single",
            EdmType::Double => "Edm.Double",
            EdmType::String => "Edm.String",
            EdmType::Guid => "Edm.Guid",
            EdmType::Date => "Edm.Date",
            EdmType::DateTimeOffset => "Edm.DateTimeOffset",
            EdmType::TimeOfDay => "Edm.TimeOfDay",
            EdmType::Duration => "Edm.Duration",
            EdmType::Binary => "Edm.Binary",
            EdmType::Enum(e) => return write!(f, "{}", e.qualified_name()),
            EdmType::Complex(c) => return write!(f, "{}", c.qualified_name()),
            EdmType::Collection(inner) => return write!(f, "Collection({inner})"),
        };
        f.write_str(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primitive_from_name_example() {
        assert_eq!(
            EdmType::primitive_from_name("Edm.Int32"),
            Some(EdmType::Int32)
        );
        assert_eq!(EdmType::primitive_from_name("Int32"), None);
    }
}
