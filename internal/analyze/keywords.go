package analyze

// Keyword identifies a word the analyzer gives meaning to. The lexer sets
// Token.Kw on every bare word that spells one, case-insensitively; quoted
// identifiers never carry a keyword. The constants are in alphabetical order
// and keywordList spells them in the same order (a test checks this).
type Keyword uint16

// The keywords. KwNone means "not a keyword".
const (
	KwNone Keyword = iota
	KwAbort
	KwAll
	KwAlter
	KwAnalyse
	KwAnalyze
	KwAnd
	KwAny
	KwArray
	KwAs
	KwAsc
	KwAsymmetric
	KwAt
	KwAttach
	KwAvg
	KwBegin
	KwBetween
	KwBinary
	KwBy
	KwCall
	KwCase
	KwCast
	KwChain
	KwCharacteristics
	KwCheck
	KwCheckpoint
	KwClose
	KwCluster
	KwCollate
	KwComment
	KwCommit
	KwCommitted
	KwConflict
	KwConsistent
	KwConstraint
	KwConstraints
	KwCopy
	KwCount
	KwCreate
	KwCross
	KwCube
	KwCurrent
	KwCursor
	KwCycle
	KwDate
	KwDeallocate
	KwDeclare
	KwDefault
	KwDeferrable
	KwDeferred
	KwDelayed
	KwDelete
	KwDesc
	KwDescribe
	KwDetach
	KwDiscard
	KwDistinct
	KwDistinctrow
	KwDiv
	KwDo
	KwDrop
	KwDumpfile
	KwDuplicate
	KwElse
	KwEnd
	KwEscape
	KwExcept
	KwExclusive
	KwExecute
	KwExists
	KwExplain
	KwFalse
	KwFetch
	KwFilter
	KwFirst
	KwFlush
	KwFor
	KwForce
	KwFrom
	KwFull
	KwGlob
	KwGlobal
	KwGrant
	KwGroup
	KwGrouping
	KwHandler
	KwHaving
	KwHighPriority
	KwIf
	KwIgnore
	KwIlike
	KwImmediate
	KwIn
	KwIndex
	KwIndexed
	KwInner
	KwInsert
	KwInstall
	KwIntersect
	KwInterval
	KwInto
	KwIs
	KwIsnull
	KwIsolation
	KwJoin
	KwKey
	KwKill
	KwLast
	KwLateral
	KwLeft
	KwLevel
	KwLike
	KwLimit
	KwListen
	KwLoad
	KwLocal
	KwLock
	KwLocked
	KwLowPriority
	KwMatch
	KwMaterialized
	KwMax
	KwMerge
	KwMin
	KwMinus
	KwMod
	KwMode
	KwMove
	KwNames
	KwNatural
	KwNext
	KwNo
	KwNot
	KwNothing
	KwNotify
	KwNotnull
	KwNowait
	KwNull
	KwNulls
	KwOf
	KwOffset
	KwOn
	KwOne
	KwOnly
	KwOptimize
	KwOr
	KwOrder
	KwOrdinality
	KwOuter
	KwOutfile
	KwOver
	KwOverriding
	KwPartition
	KwPersist
	KwPersistOnly
	KwPhase
	KwPragma
	KwPrecision
	KwPrepare
	KwPrepared
	KwPrevious
	KwPurge
	KwQuick
	KwRead
	KwRecover
	KwRecursive
	KwRefresh
	KwRegexp
	KwReindex
	KwRelease
	KwRename
	KwRepair
	KwRepeatable
	KwReplace
	KwReset
	KwReturning
	KwRevoke
	KwRight
	KwRlike
	KwRollback
	KwRollup
	KwRow
	KwRows
	KwSavepoint
	KwSearch
	KwSelect
	KwSerializable
	KwSession
	KwSet
	KwSets
	KwShare
	KwShow
	KwSimilar
	KwSkip
	KwSnapshot
	KwSome
	KwSounds
	KwSqlBigResult
	KwSqlBufferResult
	KwSqlCache
	KwSqlCalcFoundRows
	KwSqlNoCache
	KwSqlSmallResult
	KwStart
	KwStraightJoin
	KwSum
	KwSymmetric
	KwSystem
	KwTable
	KwTables
	KwTablesample
	KwTemp
	KwTemporary
	KwThen
	KwTies
	KwTime
	KwTimestamp
	KwTo
	KwTransaction
	KwTrue
	KwTruncate
	KwUncommitted
	KwUnion
	KwUnknown
	KwUnlisten
	KwUnlock
	KwUnlogged
	KwUpdate
	KwUpsert
	KwUse
	KwUser
	KwUsing
	KwVacuum
	KwValue
	KwValues
	KwVarying
	KwView
	KwWait
	KwWhen
	KwWhere
	KwWindow
	KwWith
	KwWithin
	KwWithout
	KwWork
	KwWrite
	KwXa
	KwXor
	KwZone
	kwCount // number of keywords + 1
)

// keywordList spells the keywords, space-separated, in constant order.
const keywordList = "" +
	"abort all alter analyse analyze and any array as asc asymmetric at attach avg begin " +
	"between binary by call case cast chain characteristics check checkpoint close cluster " +
	"collate comment commit committed conflict consistent constraint constraints copy count " +
	"create cross cube current cursor cycle date deallocate declare default deferrable " +
	"deferred delayed delete desc describe detach discard distinct distinctrow div do drop " +
	"dumpfile duplicate else end escape except exclusive execute exists explain false fetch " +
	"filter first flush for force from full glob global grant group grouping handler having " +
	"high_priority if ignore ilike immediate in index indexed inner insert install intersect " +
	"interval into is isnull isolation join key kill last lateral left level like limit " +
	"listen load local lock locked low_priority match materialized max merge min minus mod " +
	"mode move names natural next no not nothing notify notnull nowait null nulls of offset " +
	"on one only optimize or order ordinality outer outfile over overriding partition " +
	"persist persist_only phase pragma precision prepare prepared previous purge quick read " +
	"recover recursive refresh regexp reindex release rename repair repeatable replace reset " +
	"returning revoke right rlike rollback rollup row rows savepoint search select " +
	"serializable session set sets share show similar skip snapshot some sounds " +
	"sql_big_result sql_buffer_result sql_cache sql_calc_found_rows sql_no_cache " +
	"sql_small_result start straight_join sum symmetric system table tables tablesample temp " +
	"temporary then ties time timestamp to transaction true truncate uncommitted union " +
	"unknown unlisten unlock unlogged update upsert use user using vacuum value values " +
	"varying view wait when where window with within without work write xa xor zone "
