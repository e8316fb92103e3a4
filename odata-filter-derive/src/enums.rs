//! `EnumType`: the enum type with its members in declared order.

use proc_macro2::TokenStream as TokenStream2;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Error, Expr, ExprLit, ExprUnary, Fields, Lit, Result, UnOp};

use crate::attrs::{field_attrs, no_generics, rename, type_attrs};

pub(crate) fn enum_type(input: &DeriveInput) -> Result<TokenStream2> {
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
    let namespace = attrs.namespace_tokens();
    let type_name = attrs.type_name(ident);
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
