//! `odata-filter schema [--entity machineactions|machines] [--json]`: the built-in entity sets.

use std::process::ExitCode;

use odata_filter::schema::{EdmType, EntitySet};
use serde_json::json;

use crate::common::Entity;

/// Arguments of `schema`.
#[derive(clap::Args)]
pub struct Args {
    /// Only this entity set (default: all).
    #[arg(long, value_enum)]
    entity: Option<Entity>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

fn members(ty: &EdmType) -> Option<Vec<&str>> {
    let e = ty
        .as_enum()
        .or_else(|| ty.element_type().and_then(EdmType::as_enum))?;
    Some(e.members().iter().map(|m| m.name()).collect())
}

fn to_json(set: &EntitySet) -> serde_json::Value {
    let ty = set.entity_type();
    let properties: Vec<serde_json::Value> = ty
        .properties()
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let id = ty.property_id(p.name()).expect("own property");
            debug_assert_eq!(id.index(), i);
            let mut v = json!({
                "name": p.name(),
                "type": p.ty().to_string(),
                "nullable": p.is_nullable(),
                "filterable": set.is_filterable(id),
            });
            if let Some(m) = members(p.ty()) {
                v["members"] = json!(m);
            }
            v
        })
        .collect();
    json!({
        "name": set.name(),
        "entityType": ty.qualified_name(),
        "topCap": set.top_cap(),
        "properties": properties,
    })
}

fn to_text(set: &EntitySet) -> String {
    let ty = set.entity_type();
    let cap = set
        .top_cap()
        .map_or_else(|| "none".to_string(), |c| c.to_string());
    let mut out = format!("{} ({}), $top cap {cap}\n", set.name(), ty.qualified_name());
    for p in ty.properties() {
        let id = ty.property_id(p.name()).expect("own property");
        let flags = match (set.is_filterable(id), p.is_nullable()) {
            (true, true) => "  filterable, nullable",
            (true, false) => "  filterable",
            (false, true) => "  nullable",
            (false, false) => "",
        };
        out.push_str(&format!("  {} {}{flags}\n", p.name(), p.ty()));
        if let Some(m) = members(p.ty()) {
            out.push_str(&format!("    members: {}\n", m.join(", ")));
        }
    }
    out
}

/// Prints each entity set's properties, types, filterable flags, enum members and `$top` cap.
pub fn run(args: &Args) -> ExitCode {
    let entities: Vec<Entity> = args.entity.map_or(Entity::ALL.to_vec(), |e| vec![e]);
    if args.json {
        let sets: Vec<serde_json::Value> = entities.iter().map(|e| to_json(e.set())).collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&sets).expect("JSON values serialize")
        );
    } else {
        let texts: Vec<String> = entities.iter().map(|e| to_text(e.set())).collect();
        print!("{}", texts.join("\n"));
    }
    ExitCode::SUCCESS
}
