//! `gradviz gradcheck`: every leaf's analytic gradient against a central
//! finite difference, as a table; exit 1 when any is off.

use std::fmt::Write as _;

use clap::Args;

use super::CliError;
use super::output::write_stdout;
use super::render::select;
use super::script_input::ScriptArgs;
use gradviz::gradcheck::gradcheck;

/// Arguments of `gradviz gradcheck`.
#[derive(Args, Debug)]
pub struct GradcheckArgs {
    #[command(flatten)]
    script: ScriptArgs,
    /// Which diagram's root to check (counting from 1) [default: the last]
    #[arg(long, value_name = "N")]
    diagram: Option<usize>,
    /// The finite-difference step.
    #[arg(long, default_value_t = 1e-6)]
    h: f64,
    /// The largest acceptable error |analytic - numeric| / max(1, |analytic|, |numeric|).
    #[arg(long, default_value_t = 1e-5)]
    tolerance: f64,
}

/// Checks and prints the table.
pub fn gradcheck_cmd(args: &GradcheckArgs) -> Result<(), CliError> {
    if !(args.h.is_finite() && args.h > 0.0) {
        return Err(CliError::usage(
            format!("--h must be positive, not {}", args.h),
            None,
        ));
    }
    if !(args.tolerance.is_finite() && args.tolerance >= 0.0) {
        return Err(CliError::usage(
            format!("--tolerance must be 0 or more, not {}", args.tolerance),
            Some("1e-5 (the default) accepts a relative error up to 0.001%"),
        ));
    }
    let (_, run) = args.script.run(&mut std::io::sink())?;
    let chosen = select(&run.diagrams, args.diagram)?;
    let d = chosen[chosen.len() - 1];
    let checks = gradcheck(&d.graph, d.root, args.h);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<12} {:>14} {:>16} {:>16} {:>10}  ok",
        "leaf", "data", "analytic", "numeric", "error"
    );
    let mut bad = 0;
    for c in &checks {
        let ok = c.error <= args.tolerance;
        bad += usize::from(!ok);
        let label = if c.label.is_empty() {
            format!("v{}", c.leaf.index())
        } else {
            c.label.clone()
        };
        let _ = writeln!(
            out,
            "{:<12} {:>14.6} {:>16.8} {:>16.8} {:>10.2e}  {}",
            label,
            c.data,
            c.analytic,
            c.numeric,
            c.error,
            if ok { "yes" } else { "NO" }
        );
    }
    let _ = writeln!(
        out,
        "{} of {} leaves within tolerance {:e}",
        checks.len() - bad,
        checks.len(),
        args.tolerance
    );
    write_stdout(out.as_bytes())?;
    if bad > 0 {
        return Err(CliError::input(
            format!(
                "{bad} gradient(s) differ from the finite difference by more than {:e}",
                args.tolerance
            ),
            Some(
                "a kink (ReLU at 0) or a large --h can explain small differences; a wrong derivative explains large ones",
            ),
        ));
    }
    Ok(())
}
