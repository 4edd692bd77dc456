//! `gradviz gradcheck`: every leaf's analytic gradient against a central
//! finite difference, as a table; exit 1 when any is off.

use std::fmt::Write as _;

use clap::Args;

use super::CliError;
use super::output::write_stdout;
use super::render::select;
use super::script_input::ScriptArgs;

/// Arguments of `gradviz gradcheck`.
#[derive(Args, Debug)]
pub struct GradcheckArgs {
    #[command(flatten)]
    pub(super) script: ScriptArgs,
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
    let checks = check_watched(d, args)?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<12} {:>14} {:>16} {:>16} {:>10}  ok",
        "leaf", "data", "analytic", "numeric", "error"
    );
    // Unlabelled leaves are named `vN` by their id in the diagram, as the
    // DOT, JSON, shape text and steps name them.
    let ids = d.graph.ancestors(d.root);
    let mut bad = 0;
    for c in &checks {
        let ok = c.error <= args.tolerance;
        bad += usize::from(!ok);
        let label = if c.label.is_empty() {
            format!("v{}", ids.binary_search(&c.leaf).unwrap_or(c.leaf.index()))
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

/// The check of `d`, within the script's `--timeout` (counted from here),
/// with a progress bar on a terminal once it is going to take a while, or
/// else one line saying how long it will take.
fn check_watched(
    d: &gradviz::script::Diagram,
    args: &GradcheckArgs,
) -> Result<Vec<gradviz::gradcheck::Check>, CliError> {
    use std::io::IsTerminal;
    use std::time::{Duration, Instant};
    let start = Instant::now();
    let limit = Duration::from_secs_f64(args.script.options().timeout);
    let mut bar: Option<indicatif::ProgressBar> = None;
    let mut told = false;
    let mut stopped = None;
    let checks = gradviz::gradcheck::gradcheck_watched(
        &d.graph,
        d.root,
        args.h,
        |g, r| g.backward(r),
        |done, total| {
            let elapsed = start.elapsed();
            if elapsed > limit {
                stopped = Some((done, total, elapsed));
                return false;
            }
            // After a second, an estimate of the whole.
            if !told && elapsed > Duration::from_secs(1) && done < total {
                told = true;
                let whole = elapsed.as_secs_f64() * total as f64 / done as f64;
                if std::io::stderr().is_terminal() {
                    let b = indicatif::ProgressBar::new(total as u64);
                    b.set_position(done as u64);
                    b.set_message(format!("leaves checked, about {whole:.0} s in all"));
                    bar = Some(b);
                } else {
                    let _ = super::output::note(&format!(
                        "checking {total} leaves: about {whole:.0} s (two forward passes per leaf)"
                    ));
                }
            }
            if let Some(b) = &bar {
                b.set_position(done as u64);
            }
            true
        },
    );
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if let Some((done, total, elapsed)) = stopped {
        return Err(CliError::input(
            format!(
                "gradcheck stopped after {:.1} s (--timeout): {done} of {total} leaves checked",
                elapsed.as_secs_f64()
            ),
            Some(
                "the numeric side takes two forward passes of the whole graph per leaf: raise --timeout, or check a smaller graph",
            ),
        ));
    }
    Ok(checks)
}
