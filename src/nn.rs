//! micrograd's `nn` module on the graph engine: [`Neuron`], [`Layer`],
//! [`Mlp`] and the [`Module`] trait, in the lecture's variant (tanh
//! everywhere, bias uniform in [−1, 1]) and in micrograd's `nn.py` variant
//! (ReLU hidden layers, linear output, bias 0).
//!
//! Parameters are ordinary leaves of a [`Graph`]; their ids stay valid while
//! a training loop releases each step's other nodes with
//! [`Graph::clear_except`]. Every neuron and layer is a group, so diagrams
//! draw a cluster per neuron inside a cluster per layer.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng as _, SeedableRng};

use crate::engine::{Graph, GroupId, Value, ValueId};

/// Seeded randomness: the same seed gives the same weights on every machine.
#[derive(Clone, Debug)]
pub struct Rng(ChaCha8Rng);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(ChaCha8Rng::seed_from_u64(seed))
    }

    /// A float uniform in `[lo, hi)` (Python's `random.uniform`).
    ///
    /// ```
    /// let mut r = gradviz::nn::Rng::new(7);
    /// let x = r.uniform(-1.0, 1.0);
    /// assert!((-1.0..1.0).contains(&x));
    /// assert_eq!(x, gradviz::nn::Rng::new(7).uniform(-1.0, 1.0));
    /// ```
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        let unit = (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        lo + (hi - lo) * unit
    }

    /// A standard normal sample (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform(0.0, 1.0); // (0, 1]
        let u2 = self.uniform(0.0, 1.0);
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// A random permutation of `0..n` (Fisher–Yates).
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut p: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = (self.0.next_u64() % (i as u64 + 1)) as usize;
            p.swap(i, j);
        }
        p
    }
}

/// The non-linearity of a neuron.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    /// `tanh`, as in the lecture.
    Tanh,
    /// `relu`, micrograd's hidden layers.
    Relu,
    /// None: micrograd's output layer.
    Linear,
}

/// Which of the two MLPs of the reference material.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// The lecture: tanh in every layer, bias uniform in [−1, 1].
    Lecture,
    /// micrograd's `nn.py`: ReLU hidden layers, linear output, bias 0.
    Micrograd,
}

/// An input to a neuron: a plain number (the product makes a constant leaf,
/// as `wi * xi` with a Python float does) or a value.
#[derive(Clone, Copy, Debug)]
pub enum Input<'g> {
    /// A plain number.
    Num(f64),
    /// A value of the graph.
    Value(Value<'g>),
}

impl<'g> From<Value<'g>> for Input<'g> {
    fn from(v: Value<'g>) -> Self {
        Input::Value(v)
    }
}

impl From<f64> for Input<'_> {
    fn from(x: f64) -> Self {
        Input::Num(x)
    }
}

/// Something with parameters: micrograd's `Module`.
pub trait Module {
    /// The parameters, in micrograd's order (each neuron's weights, then
    /// its bias; layer by layer).
    fn parameters(&self) -> Vec<ValueId>;

    /// Sets the parameters' grads to zero.
    fn zero_grad(&self, graph: &Graph) {
        for p in self.parameters() {
            graph.set_grad(p, 0.0);
        }
    }
}

/// One neuron: `act(sum(w_i * x_i) + b)`.
#[derive(Clone, Debug)]
pub struct Neuron {
    /// The weights.
    pub w: Vec<ValueId>,
    /// The bias.
    pub b: ValueId,
    /// The non-linearity.
    pub activation: Activation,
    /// The neuron's group (cluster).
    pub group: GroupId,
}

impl Neuron {
    /// A neuron with `nin` inputs: weights uniform in [−1, 1]; the bias as
    /// the flavor says.
    pub fn new(
        graph: &Graph,
        nin: usize,
        activation: Activation,
        flavor: Flavor,
        rng: &mut Rng,
        group: GroupId,
    ) -> Self {
        let w: Vec<ValueId> = (0..nin)
            .map(|i| {
                let id = graph.leaf(rng.uniform(-1.0, 1.0), Some(&format!("w{i}")));
                graph.set_group(id, group);
                id
            })
            .collect();
        let bias = match flavor {
            Flavor::Lecture => rng.uniform(-1.0, 1.0),
            Flavor::Micrograd => 0.0,
        };
        let b = graph.leaf(bias, Some("b"));
        graph.set_group(b, group);
        Neuron {
            w,
            b,
            activation,
            group,
        }
    }

    /// The forward pass for one input, as micrograd writes it:
    /// `sum((wi*xi for wi, xi in zip(self.w, x)), self.b)`, then the
    /// activation. With `clusters`, every node it creates joins the
    /// neuron's group (for diagrams; training skips that bookkeeping).
    pub fn forward<'g>(&self, graph: &'g Graph, x: &[Input<'g>], clusters: bool) -> Value<'g> {
        assert_eq!(
            x.len(),
            self.w.len(),
            "the neuron takes {} inputs",
            self.w.len()
        );
        let body = || {
            let mut act = graph.handle(self.b);
            for (w, xi) in self.w.iter().zip(x) {
                let w = graph.handle(*w);
                let product = match xi {
                    Input::Num(n) => w * *n,
                    Input::Value(v) => w * *v,
                };
                act = act + product;
            }
            match self.activation {
                Activation::Tanh => act.tanh(),
                Activation::Relu => act.relu(),
                Activation::Linear => act,
            }
        };
        if clusters {
            graph.in_group(self.group, body)
        } else {
            body()
        }
    }
}

impl Module for Neuron {
    fn parameters(&self) -> Vec<ValueId> {
        let mut p = self.w.clone();
        p.push(self.b);
        p
    }
}

/// A layer of independent neurons over the same inputs.
#[derive(Clone, Debug)]
pub struct Layer {
    /// The neurons.
    pub neurons: Vec<Neuron>,
    /// The layer's group (cluster).
    pub group: GroupId,
}

impl Layer {
    /// `nout` neurons with `nin` inputs each.
    pub fn new(
        graph: &Graph,
        nin: usize,
        nout: usize,
        activation: Activation,
        flavor: Flavor,
        rng: &mut Rng,
        name: &str,
    ) -> Self {
        let group = graph.add_group(name, None);
        let neurons = (0..nout)
            .map(|j| {
                let g = graph.add_group(&format!("neuron {j}"), Some(group));
                Neuron::new(graph, nin, activation, flavor, rng, g)
            })
            .collect();
        Layer { neurons, group }
    }

    /// The outputs of every neuron for one input.
    pub fn forward<'g>(&self, graph: &'g Graph, x: &[Input<'g>], clusters: bool) -> Vec<Value<'g>> {
        self.neurons
            .iter()
            .map(|n| n.forward(graph, x, clusters))
            .collect()
    }
}

impl Module for Layer {
    fn parameters(&self) -> Vec<ValueId> {
        self.neurons.iter().flat_map(Module::parameters).collect()
    }
}

/// A multi-layer perceptron.
///
/// ```
/// use gradviz::{Graph, nn::{Flavor, Mlp, Module, Rng}};
/// let g = Graph::new();
/// let mlp = Mlp::new(&g, 3, &[4, 4, 1], Flavor::Lecture, &mut Rng::new(42));
/// assert_eq!(mlp.parameters().len(), 41);
/// let y = mlp.forward_numbers(&g, &[2.0, 3.0, -1.0]);
/// assert!(y[0].data().abs() < 1.0);
/// ```
#[derive(Clone, Debug)]
pub struct Mlp {
    /// The layers.
    pub layers: Vec<Layer>,
    /// Which variant.
    pub flavor: Flavor,
    /// Whether forward passes put their nodes into the neuron's group
    /// (clusters in diagrams). On by default; training turns it off.
    pub clusters: bool,
}

impl Mlp {
    /// `MLP(nin, nouts)`: lecture flavor uses tanh everywhere; micrograd
    /// flavor ReLU on all but the last layer, which is linear.
    pub fn new(graph: &Graph, nin: usize, nouts: &[usize], flavor: Flavor, rng: &mut Rng) -> Self {
        let mut sizes = vec![nin];
        sizes.extend_from_slice(nouts);
        let layers = (0..nouts.len())
            .map(|i| {
                let activation = match flavor {
                    Flavor::Lecture => Activation::Tanh,
                    Flavor::Micrograd if i + 1 == nouts.len() => Activation::Linear,
                    Flavor::Micrograd => Activation::Relu,
                };
                Layer::new(
                    graph,
                    sizes[i],
                    sizes[i + 1],
                    activation,
                    flavor,
                    rng,
                    &format!("layer {i}"),
                )
            })
            .collect();
        Mlp {
            layers,
            flavor,
            clusters: true,
        }
    }

    /// The forward pass for one input.
    pub fn forward<'g>(&self, graph: &'g Graph, x: &[Input<'g>]) -> Vec<Value<'g>> {
        let mut layer = self.layers[0].forward(graph, x, self.clusters);
        for l in &self.layers[1..] {
            let inputs: Vec<Input<'g>> = layer.iter().map(|v| Input::Value(*v)).collect();
            layer = l.forward(graph, &inputs, self.clusters);
        }
        layer
    }

    /// The forward pass for plain numbers (the lecture's `n(x)` on a list of
    /// floats: each product makes a constant leaf).
    pub fn forward_numbers<'g>(&self, graph: &'g Graph, x: &[f64]) -> Vec<Value<'g>> {
        let inputs: Vec<Input<'g>> = x.iter().map(|v| Input::Num(*v)).collect();
        self.forward(graph, &inputs)
    }
}

impl Module for Mlp {
    fn parameters(&self) -> Vec<ValueId> {
        self.layers.iter().flat_map(Module::parameters).collect()
    }
}
