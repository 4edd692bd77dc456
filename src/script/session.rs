//! A notebook session: pieces of code run one after the other in one
//! interpreter, each seeing the globals, imports, random state and values
//! of the ones before — the way Jupyter, Quarto and R Markdown run cells.

// Script errors carry their whole diagnostic and are returned once.
#![allow(clippy::result_large_err)]

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;
use std::sync::mpsc;
use std::thread::JoinHandle;

use super::runtime::Interp;
use super::{Diagram, Options, ScriptError};

/// A cell to run, with where its output and its result go.
struct Request {
    code: String,
    out: mpsc::Sender<Vec<u8>>,
    reply: mpsc::Sender<Result<Vec<Diagram>, ScriptError>>,
}

/// A running session. The interpreter lives on a thread of its own (with
/// the big stack scripts run on); [`Session::run`] hands it a cell and
/// streams the cell's output back.
///
/// ```
/// use gradviz::script::{Options, Session};
/// let mut s = Session::new(&Options::default());
/// let mut out = Vec::new();
/// s.run("class Twice:\n    def __call__(self, v):\n        return v * 2\n", &mut out).unwrap();
/// let diagrams = s.run("a = Value(3.0)\nb = Twice()(a)\nb.backward()\nprint(a.grad)", &mut out).unwrap();
/// assert_eq!(String::from_utf8(out).unwrap(), "2\n");
/// assert_eq!(diagrams.len(), 1);
/// ```
pub struct Session {
    requests: Option<mpsc::Sender<Request>>,
    worker: Option<JoinHandle<()>>,
}

/// Printed text, sent to whoever asked for the running cell.
struct CellWriter(Rc<RefCell<Option<mpsc::Sender<Vec<u8>>>>>);

impl Write for CellWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some(tx) = &*self.0.borrow() {
            let _ = tx.send(buf.to_vec());
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Session {
    /// A new session; `options` hold for all its cells (the timeout for
    /// each cell).
    pub fn new(options: &Options) -> Session {
        let options = options.clone();
        let (tx, rx) = mpsc::channel::<Request>();
        let worker = std::thread::Builder::new()
            .name("gradviz-session".into())
            .stack_size(super::STACK)
            .spawn(move || {
                let sink = Rc::new(RefCell::new(None));
                let mut writer = CellWriter(sink.clone());
                let mut interp = Interp::new(&options, &mut writer);
                for req in rx {
                    *sink.borrow_mut() = Some(req.out);
                    let r = interp.run_cell(&req.code);
                    // Dropping the output channel tells the caller the
                    // cell's output is complete.
                    *sink.borrow_mut() = None;
                    let _ = req.reply.send(r);
                }
            })
            .expect("the session thread starts");
        Session {
            requests: Some(tx),
            worker: Some(worker),
        }
    }

    /// Runs a cell, writing what it prints to `out`; returns its diagrams
    /// (its `draw_dot` calls, or the implicit one of its last `backward()`
    /// or assignment).
    pub fn run(&mut self, code: &str, out: &mut dyn Write) -> Result<Vec<Diagram>, ScriptError> {
        let (otx, orx) = mpsc::channel();
        let (rtx, rrx) = mpsc::channel();
        let sent = self.requests.as_ref().is_some_and(|r| {
            r.send(Request {
                code: code.to_string(),
                out: otx,
                reply: rtx,
            })
            .is_ok()
        });
        if sent {
            for chunk in orx {
                // Output is best effort: a closed stdout must not stop the script.
                let _ = out.write_all(&chunk);
            }
            if let Ok(r) = rrx.recv() {
                return r;
            }
        }
        // The worker is gone: it panicked; pass the panic on.
        self.requests = None;
        match self.worker.take().map(JoinHandle::join) {
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            _ => panic!("the script session ended"),
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.requests = None;
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}
