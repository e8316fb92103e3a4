//! The `#[odata(…)]` and `#[serde(…)]` attributes the derives read, and the checks on names.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{DeriveInput, Error, Expr, Ident, LitInt, LitStr, Result};

use crate::Kind;

/// The attributes of the type itself.
#[derive(Default)]
pub(crate) struct TypeAttrs {
    pub(crate) namespace: Option<Expr>,
    pub(crate) name: Option<LitStr>,
    pub(crate) entity_set: Option<LitStr>,
    pub(crate) top_cap: Option<LitInt>,
    pub(crate) default_order: Option<LitStr>,
    pub(crate) rename_all: Option<(String, Span)>,
}

impl TypeAttrs {
    /// The type's namespace as an expression: `#[odata(namespace = …)]`, else `"Default"`.
    pub(crate) fn namespace_tokens(&self) -> proc_macro2::TokenStream {
        match &self.namespace {
            Some(ns) => quote::quote!(#ns),
            None => quote::quote!("Default"),
        }
    }

    /// The type's EDM name: `#[odata(name = "…")]`, else the Rust name.
    pub(crate) fn type_name(&self, ident: &Ident) -> String {
        self.name
            .as_ref()
            .map_or_else(|| ident.to_string(), LitStr::value)
    }
}

/// The attributes of one field.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    pub(crate) rename: Option<String>,
    pub(crate) skip: bool,
    pub(crate) filterable: Option<Span>,
    pub(crate) nullable: bool,
    pub(crate) edm: Option<LitStr>,
}

pub(crate) fn type_attrs(input: &DeriveInput, allowed: &[&str], derive: &str) -> Result<TypeAttrs> {
    let mut out = TypeAttrs::default();
    for attr in &input.attrs {
        if attr.path().is_ident("serde") {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename_all") {
                    let lit = serialize_name(&meta)?;
                    out.rename_all = Some((lit.value(), lit.span()));
                    Ok(())
                } else {
                    skip_meta(&meta)
                }
            })?;
        } else if attr.path().is_ident("odata") {
            attr.parse_nested_meta(|meta| {
                let key = meta
                    .path
                    .get_ident()
                    .map(Ident::to_string)
                    .unwrap_or_default();
                if !allowed.contains(&key.as_str()) {
                    return Err(meta.error(format!(
                        "unknown attribute for #[derive({derive})]: expected one of {}",
                        allowed.join(", ")
                    )));
                }
                match key.as_str() {
                    "namespace" => out.namespace = Some(meta.value()?.parse()?),
                    "name" => out.name = Some(meta.value()?.parse()?),
                    "entity_set" => out.entity_set = Some(meta.value()?.parse()?),
                    "top_cap" => out.top_cap = Some(meta.value()?.parse()?),
                    "default_order" => out.default_order = Some(meta.value()?.parse()?),
                    _ => unreachable!("checked against `allowed`"),
                }
                Ok(())
            })?;
        }
    }
    if let Some(name) = &out.name {
        check_identifier(&name.value(), name.span(), "a type name")?;
    }
    Ok(out)
}

/// `= "lit"` or `(serialize = "lit", deserialize = "…")`: the name on the wire when serializing.
fn serialize_name(meta: &ParseNestedMeta) -> Result<LitStr> {
    if meta.input.peek(syn::Token![=]) {
        return meta.value()?.parse();
    }
    let mut found = None;
    meta.parse_nested_meta(|inner| {
        let lit: LitStr = inner.value()?.parse()?;
        if inner.path.is_ident("serialize") {
            found = Some(lit);
        }
        Ok(())
    })?;
    found.ok_or_else(|| meta.error("expected a `serialize = \"…\"` name"))
}

/// Consumes a serde key this derive does not read (`default`, `with = "…"`, `bound(…)`, …).
fn skip_meta(meta: &ParseNestedMeta) -> Result<()> {
    if meta.input.peek(syn::Token![=]) {
        let _: Expr = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        let _: proc_macro2::TokenTree = meta.input.parse()?;
    }
    Ok(())
}

pub(crate) fn field_attrs(attrs: &[syn::Attribute], kind: Option<Kind>) -> Result<FieldAttrs> {
    let mut out = FieldAttrs::default();
    for attr in attrs {
        if attr.path().is_ident("serde") {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    out.rename = Some(serialize_name(&meta)?.value());
                    Ok(())
                } else if meta.path.is_ident("skip") || meta.path.is_ident("skip_serializing") {
                    out.skip = true;
                    Ok(())
                } else if meta.path.is_ident("flatten") {
                    Err(meta.error(
                        "#[serde(flatten)] is not supported: declare the properties here, or nest \
                         a struct deriving ComplexType",
                    ))
                } else {
                    skip_meta(&meta)
                }
            })?;
        } else if attr.path().is_ident("odata") {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("skip") {
                    out.skip = true;
                } else if meta.path.is_ident("nullable") {
                    out.nullable = true;
                } else if meta.path.is_ident("filterable") {
                    if kind == Some(Kind::Complex) {
                        return Err(meta.error(
                            "`filterable` belongs on the properties of an entity type \
                             (#[derive(EntityType)]); a complex type's properties are reached \
                             through the entity's property",
                        ));
                    }
                    out.filterable = Some(meta.path.span());
                } else if meta.path.is_ident("edm") {
                    out.edm = Some(meta.value()?.parse()?);
                } else {
                    return Err(meta.error(
                        "unknown attribute for a property: expected one of filterable, nullable, \
                         edm = \"Edm.…\", skip",
                    ));
                }
                Ok(())
            })?;
        }
    }
    Ok(out)
}

pub(crate) fn no_generics(input: &DeriveInput, derive: &str) -> Result<()> {
    if input.generics.params.is_empty() && input.generics.where_clause.is_none() {
        Ok(())
    } else {
        Err(Error::new(
            input.generics.span(),
            format!("#[derive({derive})] does not support generic types"),
        ))
    }
}

/// OData identifiers: a letter or `_`, then letters, digits or `_` (what the schema builders accept).
pub(crate) fn check_identifier(name: &str, span: Span, what: &str) -> Result<()> {
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    if valid {
        Ok(())
    } else {
        Err(Error::new(
            span,
            format!("'{name}' is not a valid OData identifier for {what} (letters, digits, '_')"),
        ))
    }
}

/// serde's `rename_all` rules.
pub(crate) fn rename(ident: &str, rule: &str, span: Span, is_variant: bool) -> Result<String> {
    let words: Vec<String> = if is_variant {
        // PascalCase → words at each upper-case letter.
        let mut words = Vec::new();
        for c in ident.chars() {
            if c.is_uppercase() || words.is_empty() {
                words.push(String::new());
            }
            words.last_mut().expect("pushed").push(c);
        }
        words
    } else {
        ident.split('_').map(str::to_string).collect()
    };
    let lower = |w: &String| w.to_lowercase();
    let capital = |w: &String| {
        let mut c = w.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect::<String>())
            .unwrap_or_default()
    };
    Ok(match rule {
        "lowercase" => ident.to_lowercase(),
        "UPPERCASE" => ident.to_uppercase(),
        "PascalCase" if is_variant => ident.to_string(),
        "PascalCase" => words.iter().map(capital).collect(),
        "camelCase" => {
            let pascal: String = if is_variant {
                ident.to_string()
            } else {
                words.iter().map(capital).collect()
            };
            let mut c = pascal.chars();
            c.next()
                .map(|f| f.to_lowercase().chain(c).collect())
                .unwrap_or_default()
        }
        "snake_case" => words.iter().map(lower).collect::<Vec<_>>().join("_"),
        "SCREAMING_SNAKE_CASE" => words
            .iter()
            .map(lower)
            .collect::<Vec<_>>()
            .join("_")
            .to_uppercase(),
        "kebab-case" | "SCREAMING-KEBAB-CASE" => {
            return Err(Error::new(
                span,
                format!(
                    "rename_all = \"{rule}\" makes names with '-', which are not OData identifiers"
                ),
            ))
        }
        _ => {
            return Err(Error::new(
                span,
                format!("unknown rename_all rule \"{rule}\""),
            ))
        }
    })
}
