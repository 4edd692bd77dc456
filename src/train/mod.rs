//! Training: the lecture's MLP on its four samples (MSE, plain SGD) and
//! micrograd's moons demo (SVM max-margin loss + L2, decaying learning
//! rate).
//!
//! micrograd rebuilds the loss graph every step. The data here does not
//! change between steps, only the parameters do, so the loss graph is built
//! once and re-run: each step recomputes it forward from the updated
//! parameters, zeroes the grads and backpropagates, from the graph's cached
//! schedule. The numbers are the same as rebuilding (the same ops on the same
//! operands), the graph does not grow, and nothing is allocated per step.

pub mod data;

use crate::engine::{Graph, Value, ValueId};
use crate::nn::{Flavor, Input, Mlp, Module, Rng};
use data::Dataset;

/// How to train.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Number of SGD steps.
    pub steps: usize,
    /// A constant learning rate; `None` uses the task's default (0.1 for the
    /// lecture, `1.0 - 0.9*k/steps` for moons).
    pub lr: Option<f64>,
    /// Seed of the weights.
    pub seed: u64,
    /// Zero the gradients before each backward pass (turn off to show the
    /// lecture's bug: gradients accumulate across steps).
    pub zero_grad: bool,
}

/// What one step measured.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// The step number, from 0.
    pub step: usize,
    /// The loss before the update.
    pub loss: f64,
    /// The share of samples classified right (sign of the score).
    pub accuracy: f64,
    /// The learning rate used.
    pub lr: f64,
    /// Value nodes in the step's loss graph.
    pub nodes: usize,
    /// Value nodes in the graph after the step (the loss graph, which every
    /// step re-runs).
    pub graph_len: usize,
}

/// A trained model and its history.
#[derive(Debug)]
pub struct Trained {
    /// The graph holding the parameters.
    pub graph: Graph,
    /// The model.
    pub model: Mlp,
    /// One entry per step.
    pub history: Vec<Step>,
}

/// Python's `sum(values)`: `((0 + v0) + v1) + …`, where `0 + v0` makes the
/// constant leaf `Value(0)` (micrograd's `__radd__`). Returns `None` for no
/// values.
pub fn py_sum<'g>(values: impl IntoIterator<Item = Value<'g>>) -> Option<Value<'g>> {
    let mut it = values.into_iter();
    let first = it.next()?;
    Some(it.fold(first + 0.0, |acc, v| acc + v))
}

/// The lecture's loss: `sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))`
/// with `ypred = [n(x) for x in xs]` on plain-number inputs. Returns the loss
/// and the predictions.
pub fn mse_loss<'g>(graph: &'g Graph, model: &Mlp, data: &Dataset) -> (Value<'g>, Vec<Value<'g>>) {
    let ypred: Vec<Value<'g>> = data
        .xs
        .iter()
        .map(|x| model.forward_numbers(graph, x)[0])
        .collect();
    let terms: Vec<Value<'g>> = data
        .ys
        .iter()
        .zip(&ypred)
        .map(|(ygt, yout)| (*yout - *ygt).powi(2))
        .collect();
    let loss = py_sum(terms).expect("the data set is not empty");
    (loss, ypred)
}

/// micrograd's demo loss: inputs as values, `(1 + -yi*score).relu()` per
/// sample, their mean, plus `alpha * sum(p*p)` over the parameters. Returns
/// the total loss and the scores.
pub fn svm_loss<'g>(
    graph: &'g Graph,
    model: &Mlp,
    data: &Dataset,
    alpha: f64,
) -> (Value<'g>, Vec<Value<'g>>) {
    let inputs: Vec<Vec<Input<'g>>> = data
        .xs
        .iter()
        .map(|x| x.iter().map(|v| Input::Value(graph.value(*v))).collect())
        .collect();
    let scores: Vec<Value<'g>> = inputs.iter().map(|x| model.forward(graph, x)[0]).collect();
    let losses = data
        .ys
        .iter()
        .zip(&scores)
        .map(|(yi, score)| (1.0 + -yi * *score).relu());
    let data_loss =
        py_sum(losses).expect("the data set is not empty") * (1.0 / data.ys.len() as f64);
    let squares = model.parameters().into_iter().map(|p| {
        let p = graph.handle(p);
        p * p
    });
    let reg_loss = alpha * py_sum(squares).expect("the model has parameters");
    (data_loss + reg_loss, scores)
}

/// The share of `predictions` on the same side of zero as the targets `ys`.
fn accuracy(ys: &[f64], predictions: &[Value<'_>]) -> f64 {
    let correct = ys
        .iter()
        .zip(predictions)
        .filter(|(y, p)| (**y > 0.0) == (p.data() > 0.0))
        .count();
    correct as f64 / ys.len() as f64
}

/// Trains the lecture's MLP(3, [4, 4, 1]) (tanh) on its four samples with
/// the MSE loss and SGD (learning rate 0.1 unless `config.lr`).
///
/// ```
/// use gradviz::train::{train_lecture, Config};
/// let cfg = Config { steps: 20, lr: None, seed: 1, zero_grad: true };
/// let t = train_lecture(&cfg, |_| {});
/// assert!(t.history.last().unwrap().loss < 0.1);
/// assert_eq!(t.history[0].nodes, 398);
/// ```
pub fn train_lecture(config: &Config, on_step: impl FnMut(&Step)) -> Trained {
    let data = data::lecture();
    let lr = config.lr.unwrap_or(0.1);
    train(
        Flavor::Lecture,
        (3, &[4, 4, 1]),
        &data.ys,
        config,
        on_step,
        |_| lr,
        |g, m| mse_loss(g, m, &data),
    )
}

/// Trains micrograd's demo MLP(2, [16, 16, 1]) (ReLU, linear output) on
/// `data` with the SVM loss + 1e-4 L2 and the learning rate
/// `1.0 - 0.9*k/steps` (unless `config.lr`).
pub fn train_moons(data: &Dataset, config: &Config, on_step: impl FnMut(&Step)) -> Trained {
    let steps = config.steps.max(1) as f64;
    let fixed = config.lr;
    train(
        Flavor::Micrograd,
        (2, &[16, 16, 1]),
        &data.ys,
        config,
        on_step,
        |k| fixed.unwrap_or(1.0 - 0.9 * k as f64 / steps),
        |g, m| svm_loss(g, m, data, 1e-4),
    )
}

/// Trains an MLP of `shape` (inputs, layer widths): builds the loss graph
/// once, then per step re-runs it forward (from step 1 on), zeroes the grads
/// (all but the parameters' without `config.zero_grad`), backpropagates and
/// updates the parameters. At the end only the parameters stay in the graph.
fn train<'a>(
    flavor: Flavor,
    shape: (usize, &[usize]),
    ys: &[f64],
    config: &Config,
    mut on_step: impl FnMut(&Step),
    lr_at: impl Fn(usize) -> f64,
    loss_of: impl for<'g> Fn(&'g Graph, &Mlp) -> (Value<'g>, Vec<Value<'g>>) + 'a,
) -> Trained {
    let graph = Graph::new();
    let mut model = Mlp::new(&graph, shape.0, shape.1, flavor, &mut Rng::new(config.seed));
    model.clusters = false;
    let params: Vec<ValueId> = model.parameters();
    let mut history = Vec::with_capacity(config.steps);
    let (loss, predictions) = loss_of(&graph, &model);
    // Built once and kept: no growth slack.
    graph.shrink_to_fit();
    let nodes = graph.len();
    let mut kept_grads = Vec::with_capacity(params.len());
    for k in 0..config.steps {
        if k > 0 {
            graph.forward(loss.id());
        }
        // micrograd's fresh graph per step starts with zero grads; only the
        // parameters carry theirs over when the zero_grad call is left out.
        kept_grads.clear();
        if !config.zero_grad {
            kept_grads.extend(params.iter().map(|p| graph.grad(*p)));
        }
        graph.zero_grad();
        for (p, g) in params.iter().zip(&kept_grads) {
            graph.set_grad(*p, *g);
        }
        loss.backward();
        let lr = lr_at(k);
        for p in &params {
            let p = graph.handle(*p);
            p.set_data(p.data() - lr * p.grad());
        }
        let step = Step {
            step: k,
            loss: loss.data(),
            accuracy: accuracy(ys, &predictions),
            lr,
            nodes,
            graph_len: graph.len(),
        };
        on_step(&step);
        history.push(step);
    }
    graph.clear_except(&params);
    graph.shrink_to_fit();
    model.clusters = true;
    Trained {
        graph,
        model,
        history,
    }
}

/// The model's score for one input, computed on its graph and released.
pub fn score(trained: &Trained, x: &[f64]) -> f64 {
    let out = trained.model.forward_numbers(&trained.graph, x)[0].data();
    trained.graph.clear_except(&trained.model.parameters());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moons_step_has_micrographs_node_count_and_337_parameters() {
        let data = data::moons(100, 0.1, 1337);
        let cfg = Config {
            steps: 1,
            lr: None,
            seed: 1337,
            zero_grad: true,
        };
        let t = train_moons(&data, &cfg, |_| {});
        assert_eq!(t.model.parameters().len(), 337);
        assert_eq!(t.history[0].nodes, 65_818);
        assert_eq!(t.graph.len(), 337);
    }
}

#[cfg(test)]
mod memory_tests {
    use super::*;

    #[test]
    fn train_keeps_one_graph_of_the_same_size_over_1000_steps() {
        let cfg = Config {
            steps: 1000,
            lr: Some(0.01),
            seed: 3,
            zero_grad: true,
        };
        let t = train_lecture(&cfg, |s| {
            assert_eq!(s.nodes, 398, "step {}", s.step);
            assert_eq!(s.graph_len, 398, "step {}", s.step);
        });
        assert_eq!(t.graph.len(), 41, "only the parameters stay");
    }

    /// Node count and bytes after step 1 are those after step 1000, in both
    /// modes: re-running one graph, and rebuilding it on the parameters.
    #[test]
    fn node_count_and_memory_are_flat_over_1000_steps() {
        let data = data::lecture();
        for rebuild in [false, true] {
            let g = Graph::new();
            let model = Mlp::new(&g, 3, &[4, 4, 1], Flavor::Lecture, &mut Rng::new(5));
            let params = model.parameters();
            let (mut loss, _) = mse_loss(&g, &model, &data);
            let mut seen = Vec::new();
            for _ in 0..1000 {
                if rebuild {
                    g.clear_except(&params);
                    loss = mse_loss(&g, &model, &data).0;
                } else {
                    g.forward(loss.id());
                }
                g.zero_grad();
                loss.backward();
                for p in &params {
                    g.set_data(*p, g.data(*p) - 0.01 * g.grad(*p));
                }
                seen.push((g.len(), g.bytes()));
            }
            assert_eq!(seen[1], seen[999], "rebuild {rebuild}");
            assert_eq!(seen[1].0, 398, "rebuild {rebuild}");
        }
    }
}
