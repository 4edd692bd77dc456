//! Big inputs run to completion: no stack overflow, no quadratic blow-up.

mod common;
use common::ok_stdin;

#[test]
fn a_100_000_line_script() {
    let mut script =
        String::from("from micrograd.engine import Value\nx = Value(0.5, label='x')\ny = x\n");
    for i in 0..100_000 {
        script.push_str(if i % 2 == 0 {
            "y = y * 0.999 + x\n"
        } else {
            "y = (y - x) * 1.001; z = y.tanh()\n"
        });
    }
    script.push_str("y.backward()\nprint(f'{x.grad:.6f}')\n");
    let out = ok_stdin(&["run", "-"], &script);
    assert!(out.trim().parse::<f64>().unwrap().is_finite());
}

#[test]
fn a_chain_a_million_nodes_deep() {
    let line = format!("x = x{}\n", ".relu()".repeat(100));
    let script = "x = Value(1.0)\nr = x\n".to_string()
        + &line.repeat(10_000)
        + "x.backward()\nprint(r.grad)\n";
    assert_eq!(ok_stdin(&["run", "-"], &script), "1\n");
}
