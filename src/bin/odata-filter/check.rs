//! `odata-filter check '<query string>' [--entity machineactions|machines] [--json]`

use std::process::ExitCode;

use odata_filter::mde::error_body as mde_error_body;
use odata_filter::query::Query;
use odata_filter::schema::{machine_actions, machines, EntitySet};

/// The built-in entity sets `check` can validate against.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Entity {
    /// MDE `MachineActions` (the default).
    #[value(name = "machineactions", alias = "MachineActions")]
    MachineActions,
    /// MDE `Machines`.
    #[value(name = "machines", alias = "Machines")]
    Machines,
}

impl Entity {
    fn set(self) -> &'static EntitySet {
        match self {
            Entity::MachineActions => machine_actions(),
            Entity::Machines => machines(),
        }
    }
}

/// Arguments of `check`.
#[derive(clap::Args)]
pub struct Args {
    /// The query string, raw (`$filter=status eq 'Pending'&$top=2`) or percent-encoded.
    query: String,
    /// The entity set to validate against.
    #[arg(long, value_enum, default_value = "machineactions")]
    entity: Entity,
    /// On failure print MDE's JSON error body on stdout instead of the caret rendering on stderr.
    #[arg(long)]
    json: bool,
}

/// Success: the normalized, URL-encoded query string on stdout, exit 0. A query the service would reject:
/// exit 2 with the caret rendering on stderr, or with `--json` MDE's error body on stdout.
pub fn run(args: &Args) -> ExitCode {
    match Query::from_query_string(&args.query, args.entity.set()) {
        Ok(q) => {
            println!("{q}");
            ExitCode::SUCCESS
        }
        Err(errors) => {
            if args.json {
                println!("{}", mde_error_body(&errors, None));
            } else {
                eprint!("{errors}");
            }
            ExitCode::from(2)
        }
    }
}
