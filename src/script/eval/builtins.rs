//! The functions and methods a script can call: `Value(...)`, `print`,
//! `draw_dot`, `.backward()`, `._backward()`, and micrograd's grad types.

use super::*;

impl Evaluator<'_> {
    pub(super) fn call(&mut self, f: Obj, args: &[Arg], span: Span) -> Result<Obj, ScriptError> {
        match f {
            Obj::Builtin("print") => self.print(args),
            Obj::Builtin("Value") => self.value_ctor(args, span),
            Obj::Builtin("draw_dot") => self.draw_dot(args, span),
            Obj::Builtin(name @ ("Neuron" | "Layer" | "MLP")) => Err(ScriptError::new(
                ErrorKind::Unsupported,
                span,
                format!("`{name}` from micrograd.nn is not available in scripts yet"),
            )
            .help("use `gradviz train` for the nn module's MLPs")),
            Obj::Builtin(name @ ("str" | "repr")) => {
                let vals = self.positional(args, name, 1, span)?;
                let text = if name == "str" {
                    self.to_str(&vals[0])
                } else {
                    self.to_repr(&vals[0])
                };
                Ok(Obj::Str(text.into()))
            }
            Obj::Builtin(name) => {
                let vals = self.positional(args, name, 1, span)?;
                let x = &vals[0];
                let n = x.number().ok_or_else(|| {
                    type_error(
                        args[0].value.span,
                        format!("{name}() needs a number, not {}", x.a_type()),
                    )
                })?;
                builtin_number_fn(name, n, span)
            }
            Obj::Method(id, m) => {
                self.positional(args, m, 0, span)?;
                match m {
                    "tanh" => Ok(Obj::Value(self.apply(Op::Tanh, &[id], span)?)),
                    "relu" => Ok(Obj::Value(self.apply(Op::Relu, &[id], span)?)),
                    "exp" => Ok(Obj::Value(self.apply(Op::Exp, &[id], span)?)),
                    "backward" => self.backward(id, span),
                    _ => self.backward_node(id, span),
                }
            }
            other => Err(type_error(
                span,
                format!("{} is not callable", other.a_type()),
            )),
        }
    }

    /// Evaluates exactly `n` positional arguments.
    pub(super) fn positional(
        &mut self,
        args: &[Arg],
        name: &str,
        n: usize,
        span: Span,
    ) -> Result<Vec<Obj>, ScriptError> {
        if let Some(a) = args.iter().find(|a| a.name.is_some()) {
            return Err(type_error(
                a.span,
                format!(
                    "{name}() got an unexpected keyword argument `{}`",
                    a.name.as_deref().unwrap_or("")
                ),
            ));
        }
        if args.len() != n {
            return Err(type_error(
                span,
                format!(
                    "{name}() takes {n} argument{} ({} given)",
                    if n == 1 { "" } else { "s" },
                    args.len()
                ),
            ));
        }
        args.iter().map(|a| self.eval(&a.value)).collect()
    }

    pub(super) fn value_ctor(&mut self, args: &[Arg], span: Span) -> Result<Obj, ScriptError> {
        let mut data = None;
        let mut label = None;
        for (i, a) in args.iter().enumerate() {
            let v = self.eval(&a.value)?;
            match (a.name.as_deref(), i) {
                (None, 0) | (Some("data"), _) => data = Some((v, a.value.span)),
                (Some("label"), _) | (None, 3) => match v {
                    Obj::Str(s) => label = Some(s),
                    other => {
                        return Err(type_error(
                            a.value.span,
                            format!("label must be a string, not {}", other.a_type()),
                        ));
                    }
                },
                (Some("_children" | "_op"), _) | (None, 1 | 2) => {
                    return Err(ScriptError::new(
                        ErrorKind::Unsupported,
                        a.value.span,
                        "Value(...) takes only data and label in scripts",
                    )
                    .help("build results with operators instead: a + b, a * b, a.tanh()"));
                }
                (Some(k), _) => {
                    return Err(type_error(
                        a.span,
                        format!("Value() got an unexpected keyword argument `{k}`"),
                    ));
                }
                (None, _) => {
                    return Err(type_error(
                        a.value.span,
                        "Value() takes at most 4 arguments",
                    ));
                }
            }
        }
        let Some((data, dspan)) = data else {
            return Err(type_error(
                span,
                "Value() missing required argument: 'data'",
            ));
        };
        let Some(n) = data.number() else {
            return Err(type_error(
                dspan,
                format!("Value() needs a number, not {}", data.a_type()),
            )
            .help("Value(x) wraps a number; a Value is already a Value"));
        };
        Ok(Obj::Value(self.leaf(n, label.as_deref(), span)?))
    }

    pub(super) fn print(&mut self, args: &[Arg]) -> Result<Obj, ScriptError> {
        let mut sep = " ".to_string();
        let mut end = "\n".to_string();
        let mut parts = Vec::new();
        for a in args {
            let v = self.eval(&a.value)?;
            match a.name.as_deref() {
                None => parts.push(self.to_str(&v)),
                Some(k @ ("sep" | "end")) => {
                    let Obj::Str(s) = v else {
                        return Err(type_error(a.value.span, format!("{k} must be a string")));
                    };
                    if k == "sep" {
                        sep = s.to_string();
                    } else {
                        end = s.to_string();
                    }
                }
                Some(k) => {
                    return Err(type_error(
                        a.span,
                        format!("print() got an unexpected keyword argument `{k}`"),
                    ));
                }
            }
        }
        let line = parts.join(&sep) + &end;
        // Output is best effort: a closed stdout must not stop the script.
        let _ = self.out.write_all(line.as_bytes());
        Ok(Obj::None)
    }

    pub(super) fn draw_dot(&mut self, args: &[Arg], span: Span) -> Result<Obj, ScriptError> {
        let mut root = None;
        let mut rankdir = None;
        for a in args {
            let v = self.eval(&a.value)?;
            match (a.name.as_deref(), v) {
                (None | Some("root"), Obj::Value(id)) if root.is_none() => root = Some(id),
                (Some("rankdir"), Obj::Str(s)) if matches!(&*s, "LR" | "TB" | "RL" | "BT") => {
                    rankdir = Some(s.to_string())
                }
                (Some("rankdir"), _) => {
                    return Err(type_error(
                        a.value.span,
                        "rankdir must be 'LR', 'TB', 'RL' or 'BT'",
                    ));
                }
                (Some("format"), Obj::Str(_)) => {}
                (None | Some("root"), _) if root.is_some() => {
                    return Err(type_error(
                        a.span,
                        "draw_dot() takes one Value to draw (rankdir= and format= are keywords)",
                    ));
                }
                (None | Some("root"), other) => {
                    return Err(type_error(
                        a.value.span,
                        format!("draw_dot() needs a Value, not {}", other.a_type()),
                    ));
                }
                (Some(k), _) => {
                    return Err(type_error(
                        a.span,
                        format!("draw_dot() got an unexpected keyword argument `{k}`"),
                    ));
                }
            }
        }
        let Some(root) = root else {
            return Err(type_error(span, "draw_dot() needs the Value to draw"));
        };
        let (graph, root) = self.graph.trace(root);
        self.snapshot_nodes += graph.len();
        self.check_limit(span)?;
        self.diagrams.push(Diagram {
            graph,
            root,
            span: Some(span),
            rankdir,
        });
        Ok(Obj::None)
    }

    pub(super) fn backward(&mut self, root: ValueId, span: Span) -> Result<Obj, ScriptError> {
        let order = self.graph.topo_order(root);
        self.graph.backward(root);
        // micrograd sets the root's grad to the int 1 and accumulates with
        // Python arithmetic, so grads stay ints while every factor is one.
        self.info_mut(root).grad_int = true;
        for id in order.iter().rev() {
            self.propagate_grad_type(*id);
        }
        self.last_backward = Some(root);
        self.check_grads(order.iter().rev().copied(), span)?;
        Ok(Obj::None)
    }

    pub(super) fn backward_node(&mut self, id: ValueId, span: Span) -> Result<Obj, ScriptError> {
        self.graph.backward_node(id);
        self.propagate_grad_type(id);
        self.check_grads(std::iter::once(id), span)?;
        Ok(Obj::None)
    }

    /// Python's type of `operand.grad += local * out.grad` for each operand.
    pub(super) fn propagate_grad_type(&mut self, id: ValueId) {
        let node = self.graph.node(id);
        let Some(op) = node.op else { return };
        let operands = self.graph.operands(id);
        let out_int = self.info(id).grad_int;
        for (i, o) in operands.iter().enumerate() {
            let local_int = match op {
                Op::Add | Op::Relu => true,
                Op::Mul => self.info(operands[1 - i]).data_int,
                Op::Pow(Exponent::Int(k)) => k >= 1 && self.info(*o).data_int,
                Op::Pow(Exponent::Float(_)) | Op::Tanh | Op::Exp => false,
            };
            let info = self.info_mut(*o);
            info.grad_int = info.grad_int && local_int && out_int;
        }
    }

    /// Finds the op whose local derivative made a gradient non-finite.
    pub(super) fn check_grads(
        &self,
        nodes: impl Iterator<Item = ValueId>,
        span: Span,
    ) -> Result<(), ScriptError> {
        if self.options.ieee {
            return Ok(());
        }
        for id in nodes {
            let node = self.graph.node(id);
            let Some(op) = node.op else { continue };
            let operands = self.graph.operands(id);
            let a = self.graph.data(operands[0]);
            let b = operands.get(1).map_or(0.0, |o| self.graph.data(*o));
            let local = op.local_grads(a, b, node.data);
            let bad = operands.iter().enumerate().any(|(i, o)| {
                !self.graph.grad(*o).is_finite() && !(local[i] * node.grad).is_finite()
            });
            if bad && node.grad.is_finite() {
                // `x**0` at 0 has the derivative 0 · 0**-1: not infinite but
                // undefined (Python raises ZeroDivisionError there).
                let how = if local.iter().any(|l| l.is_nan()) {
                    "undefined"
                } else {
                    "infinite"
                };
                return Err(math_error(
                    span,
                    format!("the backward pass gives a non-finite gradient through `{op}` (its input is {})", pyfmt::repr_float(a)),
                )
                .label("in this backward pass")
                .related(self.info(id).span, format!("`{op}` created here"))
                .help(format!(
                    "the derivative is {how} at this input; pass --ieee to allow inf and nan"
                )));
            }
        }
        Ok(())
    }
}
