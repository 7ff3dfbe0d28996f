//! Messages joined from words and numbers without `core::fmt`: its machinery is one of the
//! largest parts of a wasm module, and no message here needs more than joining.
//!
//! ```
//! use kling3_wasm::cat;
//! let shots = 7usize;
//! assert_eq!(cat!("multi_prompt can hold at most ", 6u32, " shots, got ", shots), "multi_prompt can hold at most 6 shots, got 7");
//! ```

#[doc(hidden)]
pub use alloc::string::String;

/// Something a message can hold.
pub trait Piece {
    /// Appends itself to `out`.
    fn put(&self, out: &mut String);
}

impl Piece for str {
    fn put(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for String {
    fn put(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for char {
    fn put(&self, out: &mut String) {
        out.push(*self);
    }
}

impl<T: Piece + ?Sized> Piece for &T {
    fn put(&self, out: &mut String) {
        (**self).put(out);
    }
}

/// A number as JS writes it (`20`, `5.5`).
impl Piece for f64 {
    fn put(&self, out: &mut String) {
        crate::value::write_number(*self, out);
    }
}

/// Writes a whole number in decimal.
pub fn put_u64(mut n: u64, out: &mut String) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl Piece for $t {
            fn put(&self, out: &mut String) {
                put_u64(*self as u64, out);
            }
        }
    )*};
}
unsigned!(u8, u16, u32, u64, usize);

impl Piece for i64 {
    fn put(&self, out: &mut String) {
        if *self < 0 {
            out.push('-');
        }
        put_u64(self.unsigned_abs(), out);
    }
}

/// Reads a whole number written in ASCII digits only (no sign, no spaces); `None` when it is
/// not one or does not fit. (`str::parse` would bring core's general number parser along.)
pub fn parse_digits(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    s.bytes().try_fold(0u64, |n, b| {
        if b.is_ascii_digit() {
            n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        } else {
            None
        }
    })
}

/// Joins words and numbers into a `String`.
#[macro_export]
macro_rules! cat {
    ($($piece:expr),+ $(,)?) => {{
        let mut out = $crate::text::String::new();
        $( $crate::text::Piece::put(&$piece, &mut out); )+
        out
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_in_decimal() {
        for n in [0u64, 7, 10, 99, 100, 4_294_967_295, u64::MAX] {
            let mut s = String::new();
            put_u64(n, &mut s);
            assert_eq!(s, std::format!("{n}"));
        }
        assert_eq!(parse_digits("0042"), Some(42));
        assert_eq!(parse_digits("18446744073709551615"), Some(u64::MAX));
        for bad in ["", "18446744073709551616", "+1", "-1", " 1", "1.5", "١"] {
            assert_eq!(parse_digits(bad), None, "{bad}");
        }
        assert_eq!(cat!(-42i64, " ", i64::MIN, " ", 2.5f64, " ", 3.0f64, 'x'), "-42 -9223372036854775808 2.5 3x");
    }
}
