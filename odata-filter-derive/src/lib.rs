//! Derive macros of [`odata-filter`](https://docs.rs/odata-filter): an entity type, a complex type or
//! an enum type of the Entity Data Model from a Rust type and its serde attributes, together with the
//! typed record access that compiled filters use.
//!
//! Use them through the main crate (`#[derive(odata_filter::EntityType)]`); its `typed` module
//! documents the attributes and the traits the derives implement.
#![forbid(unsafe_code)]

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{quote, quote_spanned};
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{
    Data, DeriveInput, Error, Expr, ExprLit, ExprUnary, Fields, GenericArgument, Ident, Lit,
    LitInt, LitStr, PathArguments, Result, Type, UnOp,
};

/// Derives an entity type and its entity set; see `odata_filter::typed`.
#[proc_macro_derive(EntityType, attributes(odata))]
pub fn derive_entity_type(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    structured(&input, Kind::Entity)
        .unwrap_or_else(Error::into_compile_error)
        .into()
}

/// Derives a complex type (a structured value nested in an entity); see `odata_filter::typed`.
#[proc_macro_derive(ComplexType, attributes(odata))]
pub fn derive_complex_type(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    structured(&input, Kind::Complex)
        .unwrap_or_else(Error::into_compile_error)
        .into()
}

/// Derives an enum type (members in declared order); see `odata_filter::typed`.
#[proc_macro_derive(EnumType, attributes(odata))]
pub fn derive_enum_type(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    enum_type(&input)
        .unwrap_or_else(Error::into_compile_error)
        .into()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Entity,
    Complex,
}

impl Kind {
    fn derive_name(self) -> &'static str {
        match self {
            Kind::Entity => "EntityType",
            Kind::Complex => "ComplexType",
        }
    }
}

/// The attributes of the type itself.
#[derive(Default)]
struct TypeAttrs {
    namespace: Option<Expr>,
    name: Option<LitStr>,
    entity_set: Option<LitStr>,
    top_cap: Option<LitInt>,
    default_order: Option<LitStr>,
    rename_all: Option<(String, Span)>,
}

/// The attributes of one field.
#[derive(Default)]
struct FieldAttrs {
    rename: Option<String>,
    skip: bool,
    filterable: Option<Span>,
    nullable: bool,
    edm: Option<LitStr>,
}

fn type_attrs(input: &DeriveInput, allowed: &[&str], derive: &str) -> Result<TypeAttrs> {
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

fn field_attrs(attrs: &[syn::Attribute], kind: Option<Kind>) -> Result<FieldAttrs> {
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

fn no_generics(input: &DeriveInput, derive: &str) -> Result<()> {
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
fn check_identifier(name: &str, span: Span, what: &str) -> Result<()> {
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
fn rename(ident: &str, rule: &str, span: Span, is_variant: bool) -> Result<String> {
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

const SUPPORTED: &str = "supported: bool, u8, i8, i16, i32, i64, f32, f64, String, uuid::Uuid, \
    chrono::DateTime<Utc> or <FixedOffset>, a type deriving EnumType or ComplexType, Option<T>, Vec<T>";

/// Rejects field types that have no EDM type (or no typed access) with a message at the type.
fn check_type(ty: &Type, in_option: bool, in_vec: bool, has_edm: bool) -> Result<()> {
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
fn edm_variant(lit: &LitStr) -> Result<Ident> {
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

struct Property {
    member: TokenStream2,
    name: String,
    ty: Type,
    attrs: FieldAttrs,
}

fn structured(input: &DeriveInput, kind: Kind) -> Result<TokenStream2> {
    let derive = kind.derive_name();
    no_generics(input, derive)?;
    let allowed: &[&str] = match kind {
        Kind::Entity => &[
            "namespace",
            "name",
            "entity_set",
            "top_cap",
            "default_order",
        ],
        Kind::Complex => &["namespace", "name"],
    };
    let attrs = type_attrs(input, allowed, derive)?;
    let Data::Struct(data) = &input.data else {
        let hint = if matches!(input.data, Data::Enum(_)) {
            ": for an enum of named members, derive EnumType"
        } else {
            ""
        };
        return Err(Error::new(
            input.ident.span(),
            format!("#[derive({derive})] needs a struct with named fields{hint}"),
        ));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(Error::new(
            data.fields.span(),
            format!("#[derive({derive})] needs a struct with named fields"),
        ));
    };
    let mut props: Vec<Property> = Vec::new();
    for f in &fields.named {
        let fa = field_attrs(&f.attrs, Some(kind))?;
        if fa.skip {
            continue;
        }
        let ident = f.ident.as_ref().expect("named field");
        let rust_name = ident.to_string();
        let rust_name = rust_name.strip_prefix("r#").unwrap_or(&rust_name);
        let name = match (&fa.rename, &attrs.rename_all) {
            (Some(r), _) => r.clone(),
            (None, Some((rule, span))) => rename(rust_name, rule, *span, false)?,
            (None, None) => rust_name.to_string(),
        };
        check_identifier(&name, ident.span(), "a property name")?;
        if props.iter().any(|p| p.name == name) {
            return Err(Error::new(
                ident.span(),
                format!("a second property named '{name}'"),
            ));
        }
        check_type(&f.ty, false, false, fa.edm.is_some())?;
        props.push(Property {
            member: quote!(#ident),
            name,
            ty: f.ty.clone(),
            attrs: fa,
        });
    }

    let ident = &input.ident;
    let krate = quote!(::odata_filter);
    let namespace = match &attrs.namespace {
        Some(ns) => quote!(#ns),
        None => quote!("Default"),
    };
    let type_name = attrs
        .name
        .as_ref()
        .map_or_else(|| ident.to_string(), LitStr::value);
    let names: Vec<&str> = props.iter().map(|p| p.name.as_str()).collect();
    let start = match kind {
        Kind::Entity => quote!(#krate::schema::StructuredType::entity),
        Kind::Complex => quote!(#krate::schema::StructuredType::complex),
    };
    let mut adds = Vec::new();
    let mut arms = Vec::new();
    // One accessor per property for filters compiled for this type: a direct field read each.
    let mut accessors = Vec::new();
    for (i, p) in props.iter().enumerate() {
        let Property {
            member,
            name,
            ty,
            attrs: fa,
        } = p;
        let span = ty.span();
        let edm = match &fa.edm {
            Some(lit) => {
                let v = edm_variant(lit)?;
                quote!(#krate::schema::EdmType::#v)
            }
            None => quote_spanned!(span=> <#ty as #krate::typed::EdmField>::edm_type()),
        };
        let nullable_attr = fa.nullable;
        adds.push(quote_spanned! {span=>
            let builder = if <#ty as #krate::typed::FieldValue>::NULLABLE || #nullable_attr {
                builder.nullable(#name, #edm)
            } else {
                builder.property(#name, #edm)
            };
        });
        arms.push(quote_spanned! {span=>
            #i => <#ty as #krate::typed::FieldValue>::field(&self.#member),
        });
        accessors.push(quote_spanned! {span=>
            #i => visitor.visit(|r: &Self| <#ty as #krate::typed::FieldValue>::field(&r.#member)),
        });
    }
    let inline = match kind {
        Kind::Entity => quote!(#[inline(always)]),
        Kind::Complex => quote!(#[inline]),
    };
    let what = format!("#[derive({derive})] on {ident}");
    let mut out = quote! {
        impl #krate::typed::Structured for #ident {
            const PROPERTY_NAMES: &'static [&'static str] = &[#(#names),*];

            fn structured_type() -> &'static ::std::sync::Arc<#krate::schema::StructuredType> {
                static TYPE: ::std::sync::OnceLock<::std::sync::Arc<#krate::schema::StructuredType>> =
                    ::std::sync::OnceLock::new();
                TYPE.get_or_init(|| {
                    let builder = #start(#namespace, #type_name);
                    #(#adds)*
                    // Names were checked by the derive; nothing else can fail.
                    builder.build().unwrap_or_else(|e| panic!("{}: {}", #what, e))
                })
            }
        }

        impl #krate::eval::Record for #ident {
            #[inline(always)]
            fn indexed() -> bool {
                true
            }

            #inline
            fn field(&self, index: usize, _name: &str) -> #krate::eval::Field<'_> {
                match index {
                    #(#arms)*
                    _ => #krate::eval::Field::Null,
                }
            }

            fn with_accessor<V: #krate::eval::AccessorVisitor<Self>>(
                index: usize,
                _name: &str,
                visitor: V,
            ) -> V::Output {
                match index {
                    #(#accessors)*
                    _ => visitor.visit(|_: &Self| #krate::eval::Field::Null),
                }
            }
        }
    };
    match kind {
        Kind::Complex => out.extend(quote! {
            impl #krate::typed::Complex for #ident {}

            impl #krate::typed::FieldValue for #ident {
                #[inline]
                fn field(&self) -> #krate::eval::Field<'_> {
                    #krate::eval::Field::Node(self)
                }
            }

            impl #krate::typed::EdmField for #ident {
                fn edm_type() -> #krate::schema::EdmType {
                    #krate::schema::EdmType::Complex(
                        <Self as #krate::typed::Structured>::structured_type().clone(),
                    )
                }
            }
        }),
        Kind::Entity => {
            let Some(set) = &attrs.entity_set else {
                return Err(Error::new(
                    ident.span(),
                    "#[derive(EntityType)] needs the entity set's name: #[odata(entity_set = \"…\")]",
                ));
            };
            check_identifier(&set.value(), set.span(), "an entity set name")?;
            let filterable: Vec<&str> = props
                .iter()
                .filter(|p| p.attrs.filterable.is_some())
                .map(|p| p.name.as_str())
                .collect();
            let top_cap = match &attrs.top_cap {
                Some(cap) => {
                    cap.base10_parse::<u64>()?;
                    quote!(let builder = builder.top_cap(#cap);)
                }
                None => quote!(),
            };
            let mut order = Vec::new();
            if let Some(lit) = &attrs.default_order {
                for key in lit.value().split(',') {
                    let mut words = key.split_whitespace();
                    let (Some(name), dir, None) = (words.next(), words.next(), words.next()) else {
                        return Err(Error::new(
                            lit.span(),
                            "expected \"property [asc|desc], …\"",
                        ));
                    };
                    let descending = match dir {
                        None | Some("asc") => false,
                        Some("desc") => true,
                        Some(other) => {
                            return Err(Error::new(
                                lit.span(),
                                format!("'{other}': expected asc or desc"),
                            ))
                        }
                    };
                    if !names.contains(&name) {
                        return Err(Error::new(
                            lit.span(),
                            format!("default_order: '{name}' is not a property of {ident}"),
                        ));
                    }
                    order
                        .push(quote!(let builder = builder.default_order_key(#name, #descending);));
                }
            }
            out.extend(quote! {
                impl #krate::typed::Entity for #ident {
                    fn entity_set() -> &'static #krate::schema::EntitySet {
                        static SET: ::std::sync::OnceLock<#krate::schema::EntitySet> =
                            ::std::sync::OnceLock::new();
                        SET.get_or_init(|| {
                            let builder = #krate::schema::EntitySet::builder(
                                #set,
                                <Self as #krate::typed::Structured>::structured_type().clone(),
                            )
                            .filterable([#(#filterable),*]);
                            #top_cap
                            #(#order)*
                            builder.build().unwrap_or_else(|e| panic!("{}: {}", #what, e))
                        })
                    }
                }
            });
        }
    }
    Ok(quote!(const _: () = { #out };))
}

fn enum_type(input: &DeriveInput) -> Result<TokenStream2> {
    no_generics(input, "EnumType")?;
    let attrs = type_attrs(input, &["namespace", "name"], "EnumType")?;
    let Data::Enum(data) = &input.data else {
        return Err(Error::new(
            input.ident.span(),
            "#[derive(EnumType)] needs an enum of unit variants: for a struct, derive EntityType or ComplexType",
        ));
    };
    if data.variants.is_empty() {
        return Err(Error::new(
            input.ident.span(),
            "an enum type needs at least one member",
        ));
    }
    let ident = &input.ident;
    let mut variants = Vec::new();
    let mut names = Vec::new();
    let mut values = Vec::new();
    let mut next: i64 = 0;
    for v in &data.variants {
        if !matches!(v.fields, Fields::Unit) {
            return Err(Error::new(
                v.fields.span(),
                "an enum type's members carry no data: use unit variants",
            ));
        }
        let fa = field_attrs(&v.attrs, None)?;
        if fa.skip || fa.filterable.is_some() || fa.nullable || fa.edm.is_some() {
            return Err(Error::new(
                v.span(),
                "enum members take only #[serde(rename = \"…\")]",
            ));
        }
        let value = match &v.discriminant {
            None => next,
            Some((_, e)) => discriminant(e)?,
        };
        next = value
            .checked_add(1)
            .ok_or_else(|| Error::new(v.span(), "value overflows i64"))?;
        let rust_name = v.ident.to_string();
        let name = match (&fa.rename, &attrs.rename_all) {
            (Some(r), _) => r.clone(),
            (None, Some((rule, span))) => rename(&rust_name, rule, *span, true)?,
            (None, None) => rust_name,
        };
        if name.is_empty() || name.contains([',', '\'']) {
            return Err(Error::new(
                v.span(),
                format!("'{name}' cannot be an enum member name"),
            ));
        }
        if names.contains(&name) {
            return Err(Error::new(
                v.span(),
                format!("a second member named '{name}'"),
            ));
        }
        if values.contains(&value) {
            return Err(Error::new(
                v.span(),
                format!("a second member with value {value}"),
            ));
        }
        variants.push(v.ident.clone());
        names.push(name);
        values.push(value);
    }
    let krate = quote!(::odata_filter);
    let namespace = match &attrs.namespace {
        Some(ns) => quote!(#ns),
        None => quote!("Default"),
    };
    let type_name = attrs
        .name
        .as_ref()
        .map_or_else(|| ident.to_string(), LitStr::value);
    let what = format!("#[derive(EnumType)] on {ident}");
    Ok(quote! {
        const _: () = {
            impl #krate::typed::Enum for #ident {
                const MEMBERS: &'static [Self] = &[#(#ident::#variants),*];

                #[inline]
                fn member_name(&self) -> &'static str {
                    match self { #(#ident::#variants => #names,)* }
                }

                #[inline]
                fn member_value(&self) -> i64 {
                    match self { #(#ident::#variants => #values,)* }
                }

                fn enum_type() -> &'static ::std::sync::Arc<#krate::schema::EnumType> {
                    static TYPE: ::std::sync::OnceLock<::std::sync::Arc<#krate::schema::EnumType>> =
                        ::std::sync::OnceLock::new();
                    TYPE.get_or_init(|| {
                        #krate::schema::EnumType::builder(#namespace, #type_name)
                            #(.member_value(#names, #values))*
                            .build()
                            .unwrap_or_else(|e| panic!("{}: {}", #what, e))
                    })
                }
            }

            impl #krate::typed::FieldValue for #ident {
                #[inline]
                fn field(&self) -> #krate::eval::Field<'_> {
                    #krate::eval::Field::Enum {
                        value: <Self as #krate::typed::Enum>::member_value(self),
                        name: <Self as #krate::typed::Enum>::member_name(self),
                    }
                }
            }

            impl #krate::typed::EdmField for #ident {
                fn edm_type() -> #krate::schema::EdmType {
                    #krate::schema::EdmType::Enum(<Self as #krate::typed::Enum>::enum_type().clone())
                }
            }
        };
    })
}

/// An integer literal discriminant, possibly negated.
fn discriminant(e: &Expr) -> Result<i64> {
    match e {
        Expr::Lit(ExprLit {
            lit: Lit::Int(i), ..
        }) => i.base10_parse(),
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => Ok(-discriminant(expr)?),
        _ => Err(Error::new(
            e.span(),
            "an enum member's value must be an integer literal",
        )),
    }
}
