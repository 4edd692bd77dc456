//! `gradviz train`: the lecture's MLP or micrograd's moons demo, with a
//! progress bar (or plain lines), and plots.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

use super::CliError;
use super::output::write_files;
use gradviz::nn::{Input, Module};
use gradviz::render::plot;
use gradviz::render::svg::{Engine, to_svg};
use gradviz::render::viewer::{Slide, viewer_page};
use gradviz::render::{DotOptions, View, to_dot};
use gradviz::train::{self, Config, Step, Trained, data};

/// What to train.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Task {
    /// The lecture: MLP(3,[4,4,1]) with tanh on four samples, MSE, SGD 0.1.
    Lecture,
    /// micrograd's demo: MLP(2,[16,16,1]) on make_moons(100, 0.1), SVM loss.
    Moons,
}

/// Arguments of `gradviz train`.
#[derive(Args, Debug)]
pub struct TrainArgs {
    /// Which model and data.
    #[arg(value_enum)]
    task: Task,
    /// SGD steps [default: 20 for lecture, 100 for moons]
    #[arg(long, value_name = "N")]
    steps: Option<usize>,
    /// A constant learning rate [default: 0.1 for lecture, 1.0 - 0.9*k/steps
    /// for moons]. Try 1.0 on the lecture to watch training diverge.
    #[arg(long, value_name = "LR")]
    lr: Option<f64>,
    /// Seed of the weights (and of the moons data).
    #[arg(long, default_value_t = 1337)]
    seed: u64,
    /// Train on your own 2-D points (moons only): CSV rows `x,y,label`,
    /// labels 0/1 or -1/1, an optional header.
    #[arg(long, value_name = "FILE.csv")]
    data: Option<PathBuf>,
    /// Do not zero the gradients before each backward pass: the lecture's
    /// classic bug (gradients accumulate across steps).
    #[arg(long)]
    no_zero_grad: bool,
    /// Print only the final summary.
    #[arg(long, short)]
    quiet: bool,
    /// Write plots into this folder: loss.svg (loss and accuracy per step),
    /// boundary.svg (moons: the decision boundary), model.svg (the model's
    /// graph for one input, a cluster per neuron and per layer) and
    /// model-collapsed.svg (one node per neuron).
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,
}

/// Trains and reports.
pub fn train(args: &TrainArgs) -> Result<(), CliError> {
    if args.data.is_some() && args.task == Task::Lecture {
        return Err(CliError::usage(
            "--data trains the moons model on your points; the lecture task has its own four samples",
            Some("use `gradviz train moons --data FILE.csv`"),
        ));
    }
    if args.steps == Some(0) {
        return Err(CliError::usage("--steps must be at least 1", None));
    }
    if let Some(lr) = args.lr
        && !(lr.is_finite() && lr > 0.0)
    {
        return Err(CliError::usage(
            format!("the learning rate must be positive, not {lr}"),
            None,
        ));
    }
    let dataset = match (&args.data, args.task) {
        (Some(path), _) => {
            let text = super::input::read_text(path, "data")?;
            data::from_csv(&text).map_err(|e| {
                CliError::input(
                    format!("{}:{}: {}", path.display(), e.line, e.message),
                    Some("rows are `x,y,label` with numbers, labels 0/1 or -1/1"),
                )
            })?
        }
        (None, Task::Moons) => data::moons(100, 0.1, args.seed),
        (None, Task::Lecture) => data::lecture(),
    };
    let config = Config {
        steps: args.steps.unwrap_or(match args.task {
            Task::Lecture => 20,
            Task::Moons => 100,
        }),
        lr: args.lr,
        seed: args.seed,
        zero_grad: !args.no_zero_grad,
    };
    let mut reporter = Reporter::new(config.steps, args.quiet);
    let trained = match args.task {
        Task::Lecture => train::train_lecture(&config, |s| reporter.step(s)),
        Task::Moons => train::train_moons(&dataset, &config, |s| reporter.step(s)),
    };
    reporter.finish()?;
    if let Some(last) = trained.history.last() {
        super::output::say(&format!(
            "trained {:?}: {} steps, final loss {:.6}, accuracy {:.0}%, {} parameters, {} values per step",
            args.task,
            trained.history.len(),
            last.loss,
            last.accuracy * 100.0,
            trained.model.parameters().len(),
            last.nodes
        ))?;
    }
    if let Some(dir) = &args.output {
        write_plots(dir, args.task, &trained, &dataset)?;
    }
    Ok(())
}

fn write_plots(
    dir: &PathBuf,
    task: Task,
    trained: &Trained,
    dataset: &data::Dataset,
) -> Result<(), CliError> {
    let plot_err = |e: plot::PlotError| CliError::input(e.to_string(), None);
    std::fs::create_dir_all(dir).map_err(|source| CliError::Io {
        action: "write",
        path: dir.clone(),
        source,
    })?;
    let loss: Vec<f64> = trained.history.iter().map(|s| s.loss).collect();
    let acc: Vec<f64> = trained.history.iter().map(|s| s.accuracy).collect();
    let mut files = vec![(
        dir.join("loss.svg"),
        plot::training_curves(&format!("gradviz train {task:?}"), &loss, &acc)
            .map_err(plot_err)?
            .into_bytes(),
    )];
    if task == Task::Moons {
        let points: Vec<(Vec<f64>, f64)> = dataset
            .xs
            .iter()
            .cloned()
            .zip(dataset.ys.iter().copied())
            .collect();
        // A grid of 0.02, about 2 px a cell, so the shading's edge is smooth
        // (the model runs at about 10,000 of its corners for the moons,
        // those near the boundary).
        let svg = plot::decision_boundary("decision boundary", &points, 0.02, |x| {
            train::score(trained, x)
        })
        .map_err(plot_err)?;
        files.push((dir.join("boundary.svg"), svg.into_bytes()));
    }
    // The model's graph for the first sample, a cluster per neuron and layer,
    // its inputs drawn as values `x0`, `x1`, … outside every cluster.
    let inputs: Vec<Input<'_>> = dataset.xs[0]
        .iter()
        .enumerate()
        .map(|(i, x)| Input::Value(trained.graph.value(*x).with_label(&format!("x{i}"))))
        .collect();
    let root = trained.model.forward(&trained.graph, &inputs)[0];
    let options = DotOptions {
        view: Some(View::Forward),
        ..DotOptions::default()
    };
    let dot = to_dot(&trained.graph, root.id(), &options);
    let collapsed = DotOptions {
        collapse: true,
        ..options
    };
    let small = to_dot(&trained.graph, root.id(), &collapsed);
    let model_svg = to_svg(&dot, Engine::Embedded)?;
    // The whole model is too large for any page as a picture: the viewer
    // pans and zooms it and finds values by label.
    let page = viewer_page(
        "the model on the first sample",
        &trained.graph,
        root.id(),
        &[Slide {
            svg: &model_svg,
            caption: &[],
            focus: None,
        }],
    );
    trained.graph.clear_except(&trained.model.parameters());
    files.push((dir.join("model.dot"), dot.clone().into_bytes()));
    files.push((dir.join("model.svg"), model_svg.into_bytes()));
    files.push((dir.join("model.html"), page.into_bytes()));
    files.push((
        dir.join("model-collapsed.svg"),
        to_svg(&small, Engine::Embedded)?.into_bytes(),
    ));
    write_files(&files)?;
    let names: Vec<String> = files.iter().map(|(p, _)| p.display().to_string()).collect();
    super::output::note(&format!("wrote {}", names.join(", ")))
}

/// A progress bar on a terminal, plain lines otherwise (every 10 steps and
/// the last, like micrograd's demo), nothing with --quiet.
struct Reporter {
    bar: Option<ProgressBar>,
    quiet: bool,
    steps: usize,
    /// The first failure to print a step (a full disk): no more lines are
    /// tried, and the command fails with it at the end.
    failed: Option<CliError>,
}

impl Reporter {
    fn new(steps: usize, quiet: bool) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new(steps as u64);
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:30.cyan/blue} {pos}/{len} {msg} [{elapsed_precise}]",
                )
                .expect("a valid template"),
            );
            bar
        });
        Reporter {
            bar,
            quiet,
            steps,
            failed: None,
        }
    }

    fn step(&mut self, s: &Step) {
        let line = format!(
            "step {} loss {:.6} acc {:.0}%",
            s.step,
            s.loss,
            s.accuracy * 100.0
        );
        if let Some(bar) = &self.bar {
            bar.set_message(line);
            bar.inc(1);
        } else if !self.quiet
            && self.failed.is_none()
            && (s.step.is_multiple_of(10) || s.step + 1 == self.steps)
            && let Err(e) = super::output::say(&line)
        {
            self.failed = Some(e);
        }
    }

    fn finish(&mut self) -> Result<(), CliError> {
        if let Some(bar) = &self.bar {
            bar.finish();
        }
        self.failed.take().map_or(Ok(()), Err)
    }
}
