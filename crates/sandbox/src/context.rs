//! `ctx` and `task`: the only data a method is handed. Both are read-only host types whose
//! properties are a closed list. Reading any other name (`ctx.gold`, `ctx["labels"]`,
//! `task.test`, `ctx[0]`) is not a silent `()` but a `Forbidden` error, and every read is counted.
//!
//! Rhai resolves `obj.name` through the getter `get$name` and, when there is none, through the
//! string indexer `obj["name"]`; so registering getters for the known names and a string indexer
//! that refuses everything else covers both spellings.

use std::sync::Arc;

use rhai::{Dynamic, Engine, EvalAltResult, INT, ImmutableString, NativeCallContext};

use crate::matrix::Matrix;
use crate::state::{AccessId, CTX_PROPERTIES, HostError, HostState, TASK_PROPERTIES};

/// What `task.name` reads in every run: the pack's name is never shown to a method.
pub(crate) const OPAQUE_TASK_NAME: &str = "task";

/// `ctx`, as `targets(ctx)` receives it.
#[derive(Debug, Clone)]
pub(crate) struct EpochView {
    pub epoch: u32,
    pub epochs: u32,
    pub round: u32,
    pub rounds: u32,
    pub num_classes: usize,
    pub num_examples: usize,
    /// `None` when the method's family withholds the teacher ([`crate::MethodEnv`]).
    pub teacher: Option<Matrix>,
    pub student: Option<Matrix>,
}

impl EpochView {
    fn get(&self, property: usize) -> Result<Dynamic, HostError> {
        Ok(match CTX_PROPERTIES[property] {
            "epoch" => Dynamic::from_int(INT::from(self.epoch)),
            "epochs" => Dynamic::from_int(INT::from(self.epochs)),
            "round" => Dynamic::from_int(INT::from(self.round)),
            "rounds" => Dynamic::from_int(INT::from(self.rounds)),
            "num_classes" => Dynamic::from_int(self.num_classes as INT),
            "num_examples" => Dynamic::from_int(self.num_examples as INT),
            "teacher" => match &self.teacher {
                Some(teacher) => Dynamic::from(teacher.clone()),
                None => {
                    return Err(HostError::Forbidden {
                        what: "ctx.teacher".into(),
                        message:
                            "ctx.teacher is withheld from a method declared `unsupervised`: such a method \
                                  elicits the student's knowledge without the weak teacher"
                                .into(),
                    });
                }
            },
            _ => match &self.student {
                Some(student) => Dynamic::from(student.clone()),
                None => {
                    return Err(HostError::BadArgument(
                        "ctx.student is not provided: the engine computes the student's predictions only \
                         for methods whose source mentions `student`"
                            .into(),
                    ));
                }
            },
        })
    }
}

/// `task`, as `configure(task)` receives it.
#[derive(Debug, Clone)]
pub(crate) struct TaskView {
    pub num_classes: usize,
    pub num_examples: usize,
}

impl TaskView {
    fn get(&self, property: usize) -> Dynamic {
        match TASK_PROPERTIES[property] {
            // Scripts written when `task.name` named the pack still run; they learn nothing.
            "name" => Dynamic::from(OPAQUE_TASK_NAME),
            "num_classes" => Dynamic::from_int(self.num_classes as INT),
            _ => Dynamic::from_int(self.num_examples as INT),
        }
    }
}

pub(crate) fn register(engine: &mut Engine, host: &Arc<HostState>) {
    engine.register_type_with_name::<EpochView>("Context");
    engine.register_type_with_name::<TaskView>("Task");
    engine.register_fn("to_string", |c: &mut EpochView| format!("ctx(epoch {} of {})", c.epoch, c.epochs));
    engine.register_fn("to_string", |t: &mut TaskView| {
        format!("task({OPAQUE_TASK_NAME}, {} classes, {} examples)", t.num_classes, t.num_examples)
    });

    for (index, name) in CTX_PROPERTIES.iter().enumerate() {
        let (host, id) = (host.clone(), AccessId::ctx(index));
        engine.register_get(*name, move |ctx: NativeCallContext, c: &mut EpochView| {
            host.count(id);
            c.get(index).map_err(|e| e.into_eval(ctx.call_position()))
        });
    }
    let h = host.clone();
    engine.register_indexer_get(move |ctx: NativeCallContext, c: &mut EpochView, name: ImmutableString| {
        match CTX_PROPERTIES.iter().position(|p| *p == name.as_str()) {
            Some(index) => {
                h.count(AccessId::ctx(index));
                c.get(index).map_err(|e| e.into_eval(ctx.call_position()))
            }
            None => Err(unknown("ctx", &format!(".{name}"), &CTX_PROPERTIES, ctx.call_position())),
        }
    });
    engine.register_indexer_get(|ctx: NativeCallContext, _: &mut EpochView, index: INT| {
        Err::<Dynamic, _>(unknown("ctx", &format!("[{index}]"), &CTX_PROPERTIES, ctx.call_position()))
    });

    for (index, name) in TASK_PROPERTIES.iter().enumerate() {
        let (host, id) = (host.clone(), AccessId::task(index));
        engine.register_get(*name, move |t: &mut TaskView| {
            host.count(id);
            t.get(index)
        });
    }
    let h = host.clone();
    engine.register_indexer_get(move |ctx: NativeCallContext, t: &mut TaskView, name: ImmutableString| {
        match TASK_PROPERTIES.iter().position(|p| *p == name.as_str()) {
            Some(index) => {
                h.count(AccessId::task(index));
                Ok(t.get(index))
            }
            None => Err(unknown("task", &format!(".{name}"), &TASK_PROPERTIES, ctx.call_position())),
        }
    });
    engine.register_indexer_get(|ctx: NativeCallContext, _: &mut TaskView, index: INT| {
        Err::<Dynamic, _>(unknown("task", &format!("[{index}]"), &TASK_PROPERTIES, ctx.call_position()))
    });
}

/// The refusal of `object` + `access` (`.gold`, `[0]`).
fn unknown(object: &str, access: &str, known: &[&str], position: rhai::Position) -> Box<EvalAltResult> {
    HostError::Forbidden {
        what: format!("{object}{access}"),
        message: format!("{object} has no `{object}{access}`; a method can read only {}", known.join(", ")),
    }
    .into_eval(position)
}
