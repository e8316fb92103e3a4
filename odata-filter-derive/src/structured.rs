//! `EntityType` and `ComplexType`: the structured type, its entity set, and the typed record access.

use proc_macro2::TokenStream as TokenStream2;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Error, Fields, Result, Type};

use crate::attrs::{check_identifier, field_attrs, no_generics, rename, type_attrs, FieldAttrs};
use crate::types::{check_type, edm_variant};
use crate::Kind;

struct Property {
    member: TokenStream2,
    name: String,
    ty: Type,
    attrs: FieldAttrs,
}

pub(crate) fn structured(input: &DeriveInput, kind: Kind) -> Result<TokenStream2> {
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
    let namespace = attrs.namespace_tokens();
    let type_name = attrs.type_name(ident);
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
