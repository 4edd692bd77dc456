//! Training: the lecture's MLP on its four samples (MSE, plain SGD) and
//! micrograd's moons demo (SVM max-margin loss + L2, decaying learning
//! rate). Each step builds the loss graph, backpropagates, updates the
//! parameters and then releases every node but the parameters, so the graph
//! does not grow however long training runs.

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
    /// Value nodes left in the graph after the step (the parameters).
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
pub fn mse_loss<'g>(graph: &'g Graph, model: &Mlp, data: &Dataset) -> (Value<'g>, Vec<f64>) {
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
    (loss, ypred.iter().map(|v| v.data()).collect())
}

/// micrograd's demo loss: inputs as values, `(1 + -yi*score).relu()` per
/// sample, their mean, plus `alpha * sum(p*p)` over the parameters. Returns
/// the total loss and the accuracy.
pub fn svm_loss<'g>(graph: &'g Graph, model: &Mlp, data: &Dataset, alpha: f64) -> (Value<'g>, f64) {
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
    let correct = data
        .ys
        .iter()
        .zip(&scores)
        .filter(|(y, s)| (**y > 0.0) == (s.data() > 0.0))
        .count();
    (data_loss + reg_loss, correct as f64 / data.ys.len() as f64)
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
        3,
        &[4, 4, 1],
        config,
        on_step,
        |_| lr,
        |g, m| {
            let (loss, ypred) = mse_loss(g, m, &data);
            let correct = data
                .ys
                .iter()
                .zip(&ypred)
                .filter(|(y, p)| (**y > 0.0) == (**p > 0.0))
                .count();
            (loss, correct as f64 / data.ys.len() as f64)
        },
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
        2,
        &[16, 16, 1],
        config,
        on_step,
        |k| fixed.unwrap_or(1.0 - 0.9 * k as f64 / steps),
        |g, m| svm_loss(g, m, data, 1e-4),
    )
}

fn train<'a>(
    flavor: Flavor,
    nin: usize,
    nouts: &[usize],
    config: &Config,
    mut on_step: impl FnMut(&Step),
    lr_at: impl Fn(usize) -> f64,
    loss_of: impl for<'g> Fn(&'g Graph, &Mlp) -> (Value<'g>, f64) + 'a,
) -> Trained {
    let graph = Graph::new();
    let mut model = Mlp::new(&graph, nin, nouts, flavor, &mut Rng::new(config.seed));
    model.clusters = false;
    let params: Vec<ValueId> = model.parameters();
    let mut history = Vec::with_capacity(config.steps);
    for k in 0..config.steps {
        let (loss, accuracy) = loss_of(&graph, &model);
        let nodes = graph.len();
        if config.zero_grad {
            model.zero_grad(&graph);
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
            accuracy,
            lr,
            nodes,
            graph_len: 0,
        };
        graph.clear_except(&params);
        let step = Step {
            graph_len: graph.len(),
            ..step
        };
        on_step(&step);
        history.push(step);
    }
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
        assert_eq!(t.history[0].graph_len, 337);
    }
}

#[cfg(test)]
mod memory_tests {
    use super::*;

    #[test]
    fn the_graph_does_not_grow_over_1000_steps() {
        let cfg = Config {
            steps: 1000,
            lr: Some(0.01),
            seed: 3,
            zero_grad: true,
        };
        let t = train_lecture(&cfg, |s| {
            assert_eq!(s.nodes, 398, "step {}", s.step);
            assert_eq!(s.graph_len, 41, "step {}", s.step);
        });
        let bound = petgraph::visit::NodeIndexable::node_bound(&*t.graph.inner());
        assert!(bound <= 398, "freed slots are reused: node_bound {bound}");
    }
}
