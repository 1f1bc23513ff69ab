//! Task packs.

use aar_api::dto::*;

use super::*;

/// Packs that could not be loaded go to stderr, so `tasks --json` stays parseable.
pub fn warn_task_problems(problems: &[TaskProblem]) {
    for p in problems {
        anstream::eprintln!(
            "{}warning:{} task pack `{}` ({}) is not usable: {}",
            WARNING.render(),
            WARNING.render_reset(),
            terminal_safe(&p.pack),
            terminal_safe(&p.origin),
            terminal_safe(&p.problem)
        );
    }
}

pub fn tasks(tasks: &[TaskSummary]) -> String {
    let mut t = table();
    t.set_header(["TASK", "CLASSES", "A/B/DEV/TEST/PRIVATE", "WEAK", "STRONG", "TITLE"]);
    let arch = |m: &ModelView| {
        let hidden = m.hidden.iter().map(u32::to_string).collect::<Vec<_>>().join("-");
        if hidden.is_empty() {
            format!("{}→linear", m.input_dim)
        } else {
            format!("{}→{hidden}", m.input_dim)
        }
    };
    for task in tasks {
        let title = if task.negative_control {
            format!("{} [negative control]", task.title)
        } else {
            task.title.clone()
        };
        t.add_row([
            task.name.clone(),
            task.num_classes.to_string(),
            task.split_sizes.iter().map(u32::to_string).collect::<Vec<_>>().join("/"),
            arch(&task.weak),
            arch(&task.strong),
            title,
        ]);
    }
    format!("{t}\n")
}
