//! Which Rust field types have an EDM type, and EDM type names as `EdmType` variants.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Error, GenericArgument, Ident, LitStr, PathArguments, Result, Type};

const SUPPORTED: &str = "supported: bool, u8, i8, i16, i32, i64, f32, f64, String, uuid::Uuid, \
    chrono::DateTime<Utc> or <FixedOffset>, a type deriving EnumType or ComplexType, Option<T>, Vec<T>";

/// Rejects field types that have no EDM type (or no typed access) with a message at the type.
pub(crate) fn check_type(ty: &Type, in_option: bool, in_vec: bool, has_edm: bool) -> Result<()> {
    let fail = |span: Span, msg: &str| Err(Error::new(span, msg.to_string()));
    match ty {
        Type::Paren(p) => check_type(&p.elem, in_option, in_vec, has_edm),
        Type::Group(g) => check_type(&g.elem, in_option, in_vec, has_edm),
        Type::Reference(_) => fail(
            ty.span(),
            "borrowed fields are not supported: use an owned type (String, not &str)",
        ),
        Type::Path(p) if p.qself.is_none() => {
            let Some(seg) = p.path.segments.last() else {
                return Ok(());
            };
            let id = seg.ident.to_string();
            let inner = || -> Result<&Type> {
                if let PathArguments::AngleBracketed(args) = &seg.arguments {
                    if let Some(GenericArgument::Type(t)) = args.args.first() {
                        return Ok(t);
                    }
                }
                Err(Error::new(
                    seg.span(),
                    format!("{id} needs its element type: {id}<T>"),
                ))
            };
            match id.as_str() {
                "Option" => {
                    if in_option {
                        return fail(ty.span(), "Option<Option<T>> is not supported: a property is null or it is not; use Option<T>");
                    }
                    if in_vec {
                        return fail(ty.span(), "collections of nullable elements are not supported: use Vec<T>");
                    }
                    let t = inner()?;
                    if is_named(t, "Vec") {
                        return fail(ty.span(), "an OData collection is never null: use Vec<T> (with #[serde(default)], an absent value reads as empty)");
                    }
                    check_type(t, true, in_vec, has_edm)
                }
                "Vec" => {
                    if in_vec {
                        return fail(ty.span(), "collections of collections are not supported by OData: nest a struct deriving ComplexType");
                    }
                    check_type(inner()?, in_option, true, has_edm)
                }
                "u16" | "u32" | "u64" | "usize" | "u128" => fail(
                    ty.span(),
                    &format!("{id} has no EDM type (Edm's only unsigned type is Edm.Byte, u8): use i32 or i64; {SUPPORTED}"),
                ),
                "i128" | "isize" => fail(ty.span(), &format!("{id} has no EDM type: use i64; {SUPPORTED}")),
                "char" | "str" => fail(ty.span(), &format!("{id} has no EDM type: use String; {SUPPORTED}")),
                "HashMap" | "BTreeMap" | "IndexMap" => fail(
                    ty.span(),
                    "a map has no EDM type: use a struct deriving ComplexType (or Vec of one)",
                ),
                "HashSet" | "BTreeSet" | "VecDeque" => fail(ty.span(), &format!("{id} is not supported: use Vec<T>")),
                "Box" | "Rc" | "Arc" | "Cow" => fail(ty.span(), &format!("{id}<…> is not supported: use the type itself")),
                "NaiveDate" | "NaiveTime" | "NaiveDateTime" | "Duration" | "TimeDelta" | "Decimal" => fail(
                    ty.span(),
                    &format!("{id} has no typed record access yet; {SUPPORTED}"),
                ),
                "Value" if !has_edm => fail(
                    ty.span(),
                    "a raw JSON value has no EDM type of its own: state the property's type, e.g. #[odata(edm = \"Edm.String\")]",
                ),
                _ => Ok(()),
            }
        }
        _ => fail(
            ty.span(),
            &format!("this field type has no EDM type; {SUPPORTED}"),
        ),
    }
}

fn is_named(ty: &Type, name: &str) -> bool {
    matches!(ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name))
}

/// `"Edm.String"` → the `EdmType` variant (primitive types only).
pub(crate) fn edm_variant(lit: &LitStr) -> Result<Ident> {
    const PRIMITIVES: [&str; 16] = [
        "Boolean",
        "Byte",
        "SByte",
        "Int16",
        "Int32",
        "Int64",
        "Decimal",
        "Single",
        "Double",
        "String",
        "Guid",
        "Date",
        "DateTimeOffset",
        "TimeOfDay",
        "Duration",
        "Binary",
    ];
    let value = lit.value();
    match value.strip_prefix("Edm.") {
        Some(short) if PRIMITIVES.contains(&short) => Ok(Ident::new(short, lit.span())),
        _ => Err(Error::new(
            lit.span(),
            format!(
                "'{value}' is not a primitive EDM type: expected Edm.{}",
                PRIMITIVES.join(", Edm.")
            ),
        )),
    }
}
