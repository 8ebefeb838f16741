package text

import "unicode"

// Besides the grapheme clusters of graphemes.go, some single characters are
// drawn at different widths by the width library (ansi.StringWidth, which
// lays out rows) and by terminals, which measure with libc's wcwidth (tmux,
// most others) or their own tables. Sanitize gives them all one policy: a
// character that takes no part in drawing is dropped, a line break is shown
// as one, and any other whose width is in dispute becomes U+FFFD, one cell
// everywhere. internal/wcwidth's tests check every character against libc.
//
//   - Format characters (Unicode Cf: soft hyphen, zero-width space and
//     joiners, word joiner, BOM, bidi controls, tags, Arabic number signs)
//     steer hyphenation, shaping or direction; terminals draw them at 0 or 1
//     cells (the soft hyphen: 0 for the library, 1 for wcwidth). Dropped.
//   - Line and paragraph separators (U+2028, U+2029): wcwidth calls them
//     unprintable. Shown as "⏎", like a newline.
//   - Unassigned code points and noncharacters: the library counts 0, 1 or 2
//     cells by their block, wcwidth calls them unprintable and tmux draws 1.
//   - Characters new in Unicode 15.0, which Go's tables know and libc's up to
//     glibc 2.36 (Debian 12) do not: CJK Extension H, new emoji and scripts,
//     some of them wide for the library.
//   - U+3248..U+324F (circled numbers on black squares): ambiguous width,
//     1 cell for the library, 2 for glibc.
func droppedFormat(r rune) bool { return unicode.Is(unicode.Cf, r) }

func isLineSeparator(r rune) bool { return r == '\u2028' || r == '\u2029' }

func disputedWidth(r rune) bool {
	return !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs) ||
		unicode.Is(unicode.Noncharacter_Code_Point, r) || unicode.Is(widthDisputed, r)
}

// widthDisputed lists the last two kinds above.
var widthDisputed = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x3248, Hi: 0x324f, Stride: 1},
	},
	R32: []unicode.Range32{ // assigned in Unicode 15.0
		{Lo: 0x1123f, Hi: 0x11241, Stride: 1},
		{Lo: 0x11b00, Hi: 0x11b09, Stride: 1},
		{Lo: 0x11f00, Hi: 0x11f59, Stride: 1},
		{Lo: 0x1342f, Hi: 0x13455, Stride: 1},
		{Lo: 0x1b132, Hi: 0x1b132, Stride: 1},
		{Lo: 0x1b155, Hi: 0x1b155, Stride: 1},
		{Lo: 0x1d2c0, Hi: 0x1d2d3, Stride: 1},
		{Lo: 0x1df25, Hi: 0x1df2a, Stride: 1},
		{Lo: 0x1e030, Hi: 0x1e08f, Stride: 1},
		{Lo: 0x1e4d0, Hi: 0x1e4f9, Stride: 1},
		{Lo: 0x1f6dc, Hi: 0x1f6dc, Stride: 1},
		{Lo: 0x1f774, Hi: 0x1f77f, Stride: 1},
		{Lo: 0x1f7d9, Hi: 0x1f7d9, Stride: 1},
		{Lo: 0x1fa75, Hi: 0x1fa77, Stride: 1},
		{Lo: 0x1fa87, Hi: 0x1fa88, Stride: 1},
		{Lo: 0x1faad, Hi: 0x1faaf, Stride: 1},
		{Lo: 0x1fabb, Hi: 0x1fabf, Stride: 1},
		{Lo: 0x1face, Hi: 0x1facf, Stride: 1},
		{Lo: 0x1fada, Hi: 0x1fadb, Stride: 1},
		{Lo: 0x1fae8, Hi: 0x1fae8, Stride: 1},
		{Lo: 0x1faf7, Hi: 0x1faf8, Stride: 1},
		{Lo: 0x2b739, Hi: 0x2b739, Stride: 1},
		{Lo: 0x31350, Hi: 0x323af, Stride: 1},
	},
}
