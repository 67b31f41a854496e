package analyze

import "strings"

// Options are what a cluster's configuration adds to the analysis of its
// statements (routing.primary_functions, routing.unknown_functions).
type Options struct {
	// PrimaryFunction reports whether a call of a function, written name
	// or schema.name, must run on the primary: calling one counts as a
	// write (a user function that inserts, say). Nil: none.
	PrimaryFunction func(name string) bool
	// UnknownOnPrimary sends statements that call a function neither in
	// Functions nor among the built-in functions known to be free of side
	// effects to the primary.
	UnknownOnPrimary bool
}

// primary reports whether a call of name must run on the primary.
func (o *Options) primary(name string) bool {
	return o != nil && o.PrimaryFunction != nil && o.PrimaryFunction(name)
}

// pureFunctions are built-in functions of the three dialects that change
// nothing: aggregates, window functions, and string, number, date, JSON,
// conditional and system-information functions. A call of any other
// function not in Functions is an unknown call (Effects UnknownCalls),
// which a user function that writes would be.
var pureFunctions = map[string]bool{}

func init() {
	for _, f := range strings.Fields(`
		count sum avg min max every bool_and bool_or bit_and bit_or bit_xor string_agg array_agg
		group_concat json_agg jsonb_agg json_object_agg jsonb_object_agg json_arrayagg json_objectagg
		stddev stddev_pop stddev_samp variance var_pop var_samp corr covar_pop covar_samp
		percentile_cont percentile_disc mode median total
		row_number rank dense_rank percent_rank cume_dist ntile lag lead first_value last_value nth_value
		coalesce nullif ifnull isnull nvl greatest least if iif case
		lower upper length char_length character_length octet_length bit_length substr substring
		left right trim ltrim rtrim btrim lpad rpad replace reverse repeat concat concat_ws format
		position strpos instr locate split_part initcap md5 sha1 sha2 encode decode ascii chr char
		to_char to_number to_date to_timestamp regexp_replace regexp_matches regexp_match regexp_like
		regexp_substr regexp_instr regexp_split_to_array regexp_split_to_table translate quote_ident
		quote_literal quote_nullif hex unhex unicode printf soundex difference field find_in_set
		abs ceil ceiling floor round trunc truncate mod power pow sqrt cbrt exp ln log log10 log2
		sign pi degrees radians sin cos tan asin acos atan atan2 cot div width_bucket random rand
		now current_timestamp current_date current_time localtime localtimestamp sysdate
		date_trunc date_part extract age make_date make_time make_timestamp make_interval
		to_days from_days date_add date_sub adddate subdate datediff timediff timestampdiff
		timestampadd date_format str_to_date unix_timestamp from_unixtime year month day hour minute
		second week weekday dayofweek dayofmonth dayofyear quarter last_day curdate curtime utc_timestamp
		date time datetime julianday strftime timezone clock_timestamp statement_timestamp
		transaction_timestamp timeofday isfinite justify_days justify_hours justify_interval
		cast convert try_cast
		json_extract json_unquote json_object json_array json_contains json_length json_keys json_valid
		json_type json_value json_query json_set json_insert json_remove json_each json_tree
		jsonb_extract_path jsonb_extract_path_text json_extract_path json_extract_path_text
		jsonb_build_object json_build_object jsonb_build_array json_build_array to_json to_jsonb
		jsonb_set jsonb_insert jsonb_path_query jsonb_path_exists jsonb_typeof json_typeof
		jsonb_array_length json_array_length jsonb_array_elements json_array_elements
		jsonb_array_elements_text json_array_elements_text jsonb_each json_each_text jsonb_each_text
		jsonb_object_keys json_object_keys jsonb_strip_nulls row_to_json array_to_json
		array_length array_position array_positions array_remove array_append array_prepend array_cat
		array_to_string string_to_array unnest cardinality array_lower array_upper generate_series
		generate_subscripts exists any all some
		current_user session_user user current_schema current_schemas current_database database
		version current_catalog schema inet_client_addr inet_server_addr inet_client_port inet_server_port
		uuid gen_random_uuid uuid_generate_v4 uuid_short random_uuid
		current_setting pg_typeof pg_column_size octet_length bit_count crc32 conv bin oct
		typeof quote zeroblob randomblob likely unlikely likelihood glob like
		sqlite_version changes_count row
	`) {
		pureFunctions[f] = true
	}
}

// isPure reports whether name (lower case, perhaps schema-qualified) is a
// built-in function known to change nothing.
func isPure(name string) bool {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		schema := name[:i]
		if schema != "pg_catalog" && schema != "main" {
			return false // a user schema: its own function
		}
		name = name[i+1:]
	}
	return pureFunctions[name]
}
