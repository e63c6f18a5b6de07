//! Reading JSON exports field by field, with errors that name the entry and the field but never
//! echo a value (a value may be a secret).

use serde_json::{Map, Value};

use super::{EntryProblem, Format, ImportError, Skipped};

/// Parses a JSON document; syntax errors carry line and column, never content.
pub(crate) fn parse(bytes: &[u8], file: &str, format: Format) -> Result<Value, ImportError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    serde_json::from_slice(bytes).map_err(|e| {
        // Only syntax/EOF errors are possible when parsing into a Value; their text names the
        // problem (`expected value`, `EOF while parsing a string`) without quoting the input.
        let text = e.to_string();
        let what = text
            .rsplit_once(" at line ")
            .map_or(text.as_str(), |(w, _)| w)
            .to_owned();
        ImportError::Syntax {
            file: file.to_owned(),
            format,
            what,
            line: e.line(),
            column: e.column(),
        }
    })
}

/// "a string", "a number", … for messages about a wrong type.
pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A shape error for the whole file.
pub(crate) fn shape(file: &str, format: Format, problem: impl Into<String>) -> ImportError {
    ImportError::Shape {
        file: file.to_owned(),
        format,
        problem: problem.into(),
    }
}

/// One JSON object inside entry `index` of a file, with the path of fields above it.
pub(crate) struct Obj<'a> {
    map: &'a Map<String, Value>,
    file: &'a str,
    index: usize,
    /// The entry's label once known, for messages.
    pub label: String,
    prefix: String,
}

impl<'a> Obj<'a> {
    /// Entry `index` (0-based) of a list; must be an object.
    pub(crate) fn entry(v: &'a Value, file: &'a str, index: usize) -> Result<Self, ImportError> {
        match v {
            Value::Object(map) => Ok(Self {
                map,
                file,
                index,
                label: String::from("?"),
                prefix: String::new(),
            }),
            other => Err(ImportError::Field {
                file: file.to_owned(),
                entry: index + 1,
                label: String::from("?"),
                field: String::from("(entry)"),
                problem: format!("expected an object, got {}", kind_of(other)),
            }),
        }
    }

    /// An error about `field` of this object.
    pub(crate) fn err(&self, field: &str, problem: impl Into<String>) -> ImportError {
        ImportError::Field {
            file: self.file.to_owned(),
            entry: self.index + 1,
            label: self.label.clone(),
            field: format!("{}{field}", self.prefix),
            problem: problem.into(),
        }
    }

    /// Turns an [`EntryProblem`] into a skip (returned) or an error.
    pub(crate) fn problem(&self, p: EntryProblem) -> Result<Skipped, ImportError> {
        match p {
            EntryProblem::Skip(reason) => Ok(Skipped {
                name: self.label.clone(),
                reason,
            }),
            EntryProblem::Bad { field, problem } => Err(self.err(field, problem)),
        }
    }

    /// The raw value of `key`, `None` when absent or null.
    pub(crate) fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// A string field; absent or null is `None`.
    pub(crate) fn str_opt(&self, key: &str) -> Result<Option<&'a str>, ImportError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(self.err(key, format!("expected a string, got {}", kind_of(other)))),
        }
    }

    /// A string field that must be there.
    pub(crate) fn str_req(&self, key: &str) -> Result<&'a str, ImportError> {
        self.str_opt(key)?.ok_or_else(|| self.err(key, "missing"))
    }

    /// A non-negative whole number; a string of digits is accepted too.
    pub(crate) fn uint_opt(&self, key: &str) -> Result<Option<u64>, ImportError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_u64()
                .map(Some)
                .ok_or_else(|| self.err(key, "expected a whole number of at least 0")),
            Some(Value::String(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s
                .parse()
                .map(Some)
                .map_err(|_| self.err(key, "the number is too large")),
            Some(other) => Err(self.err(
                key,
                format!("expected a whole number, got {}", kind_of(other)),
            )),
        }
    }

    /// A nested object (absent or null is `None`).
    pub(crate) fn obj_opt(&self, key: &str) -> Result<Option<Obj<'a>>, ImportError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Obj {
                map,
                file: self.file,
                index: self.index,
                label: self.label.clone(),
                prefix: format!("{}{key}.", self.prefix),
            })),
            Some(other) => {
                Err(self.err(key, format!("expected an object, got {}", kind_of(other))))
            }
        }
    }

    /// A nested object that must be there.
    pub(crate) fn obj_req(&self, key: &str) -> Result<Obj<'a>, ImportError> {
        self.obj_opt(key)?.ok_or_else(|| self.err(key, "missing"))
    }
}

/// The list under `key` of a top-level object (or the top level itself when `key` is `None`).
pub(crate) fn list<'a>(
    root: &'a Value,
    key: Option<&str>,
    file: &str,
    format: Format,
) -> Result<&'a Vec<Value>, ImportError> {
    let v = match key {
        None => root,
        Some(k) => match root {
            Value::Object(o) => o
                .get(k)
                .ok_or_else(|| shape(file, format, format!("no {k:?} list")))?,
            other => {
                return Err(shape(
                    file,
                    format,
                    format!("expected an object at the top, got {}", kind_of(other)),
                ));
            }
        },
    };
    match v {
        Value::Array(a) => Ok(a),
        other => Err(shape(
            file,
            format,
            format!(
                "{} must be a list, got {}",
                key.map_or_else(|| "the top level".to_owned(), |k| format!("{k:?}")),
                kind_of(other)
            ),
        )),
    }
}
