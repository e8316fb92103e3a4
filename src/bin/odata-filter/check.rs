//! `odata-filter check '<query string or URL>' [--entity machineactions|machines] [--json] [limits]`

use std::process::ExitCode;

use odata_filter::mde;

use crate::common::{self, Entity, LimitArgs};

/// Arguments of `check`.
#[derive(clap::Args)]
pub struct Args {
    /// The query string, raw (`$filter=status eq 'Pending'&$top=2`) or percent-encoded, or a whole URL
    /// (`https://api.security.microsoft.com/api/machineactions?$filter=…`).
    #[arg(allow_hyphen_values = true)]
    query: String,
    /// The entity set to validate against.
    #[arg(long, value_enum, default_value = "machineactions")]
    entity: Entity,
    /// On failure print MDE's JSON error body on stdout instead of the caret rendering on stderr.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

/// Success: the normalized, URL-encoded query string on stdout (warnings on stderr), exit 0. A query the
/// service would reject: exit 2 with the caret rendering on stderr, or with `--json` MDE's error body on
/// stdout.
pub fn run(args: &Args) -> ExitCode {
    match common::validate(&args.query, args.entity, &args.limits) {
        Ok(q) => {
            common::warn(&mut std::io::stderr(), &q);
            println!("{q}");
            ExitCode::SUCCESS
        }
        Err(errors) => {
            if args.json {
                println!("{}", mde::error_body(&errors, None));
            } else {
                eprint!("{}", mde::wire_errors(&errors));
            }
            ExitCode::from(common::EXIT_INVALID_QUERY)
        }
    }
}
