package analyze

import "strings"

// keywordNames[k] is the lower-case spelling of keyword k.
var keywordNames [kwCount]string

// The keyword hash table: open addressing over a power-of-two array, keyed by
// a case-folding FNV-1a hash. Lookups allocate nothing.
const (
	kwTableSize = 1024 // > 4x the keyword count keeps probe chains short
	kwMaxLen    = 20   // no keyword is longer
)

var kwTable [kwTableSize]Keyword

// reservedWords may not be used as a bare column name or a bare alias: seeing
// one where an identifier could continue an expression or name an alias ends
// that construct. The set is the union over the dialects of the words that
// start or continue a clause, so it errs towards ending a construct.
var reservedWords = [...]Keyword{
	KwAll, KwAnd, KwAny, KwAs, KwAsc, KwBetween, KwCase, KwCross, KwCreate, KwDelete,
	KwDesc, KwDistinct, KwDistinctrow, KwDiv, KwDo, KwDrop, KwElse, KwEnd, KwExcept,
	KwFetch, KwFor, KwForce, KwFrom, KwFull, KwGlob, KwGrant, KwGroup, KwHaving,
	KwIgnore, KwIlike, KwIn, KwIndexed, KwInner, KwInsert, KwIntersect, KwInto, KwIs,
	KwIsnull, KwJoin, KwLateral, KwLeft, KwLike, KwLimit, KwLock, KwMatch, KwMerge,
	KwMinus, KwMod, KwNatural, KwNot, KwNotnull, KwOffset, KwOn, KwOnly, KwOr, KwOrder,
	KwOuter, KwOver, KwPartition, KwRegexp, KwReplace, KwReturning, KwRevoke, KwRight,
	KwRlike, KwSelect, KwSet, KwSimilar, KwSome, KwStraightJoin, KwTablesample, KwThen,
	KwUnion, KwUpdate, KwUse, KwUsing, KwValues, KwWhen, KwWhere, KwWindow, KwWith,
	KwXor, KwCollate, KwEscape, KwSounds,
}

var reservedSet [kwCount]bool

func init() {
	names := strings.Fields(keywordList)
	if len(names) != int(kwCount)-1 {
		panic("analyze: keywordList does not match the Keyword constants")
	}
	for i, n := range names {
		k := Keyword(i + 1)
		keywordNames[k] = n
		h := kwHash(n) & (kwTableSize - 1)
		for kwTable[h] != KwNone {
			h = (h + 1) & (kwTableSize - 1)
		}
		kwTable[h] = k
	}
	for _, k := range reservedWords {
		reservedSet[k] = true
	}
}

// kwHash is FNV-1a over the bytes of s with ASCII letters folded to lower case.
func kwHash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		h ^= uint32(c)
		h *= 16777619
	}
	return h
}

// LookupKeyword returns the keyword s spells, ignoring ASCII case, or KwNone.
func LookupKeyword(s string) Keyword {
	if len(s) < 2 || len(s) > kwMaxLen {
		return KwNone
	}
	h := kwHash(s) & (kwTableSize - 1)
	for {
		k := kwTable[h]
		if k == KwNone {
			return KwNone
		}
		if equalFoldASCII(keywordNames[k], s) {
			return k
		}
		h = (h + 1) & (kwTableSize - 1)
	}
}

// equalFoldASCII reports whether lower (already lower case) equals s under
// ASCII case folding.
func equalFoldASCII(lower, s string) bool {
	if len(lower) != len(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// String returns the lower-case spelling of k, or "" for KwNone.
func (k Keyword) String() string {
	if k < kwCount {
		return keywordNames[k]
	}
	return ""
}

// Reserved reports whether k may not stand as a bare column name or alias.
func (k Keyword) Reserved() bool { return k < kwCount && reservedSet[k] }
