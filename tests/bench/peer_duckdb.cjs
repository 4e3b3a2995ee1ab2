// Peer: DuckDB (an analytical SQL engine) scoring the same file with SQL:
// read_csv + one sum per scale + COPY to CSV, on THREADS threads.
//
//     node peer_duckdb.cjs 'SCALE=item,-item,...;...' IN.csv OUT.csv THREADS
//
// A leading '-' marks a reverse-keyed item (6 - x). A scale with any blank
// item gets no score (SQL's NULL + x is NULL), as in libra's bundled STSS and
// ProQOL 5. Needs the prebuilt engine: `npm install @duckdb/node-api` in a
// folder on NODE_PATH (tests/bench/run.py --duckdb DIR sets it).
'use strict';
const { DuckDBInstance } = require('@duckdb/node-api');

const [spec, src, dst, threads] = process.argv.slice(2);
if (!dst) {
	console.error('usage: node peer_duckdb.cjs SPEC IN.csv OUT.csv [THREADS]');
	process.exit(2);
}
const quote = (s) => "'" + s.replace(/'/g, "''") + "'";
const ident = (s) => '"' + s.replace(/"/g, '""') + '"';

const sums = spec.split(';').map((part) => {
	const [name, keys] = part.split('=');
	const terms = keys.split(',').map((k) => (k.startsWith('-') ? `(6 - ${ident(k.slice(1))})` : ident(k)));
	return `${terms.join(' + ')} AS ${ident(name)}`;
});

async function main() {
	const db = await DuckDBInstance.create(':memory:', { threads: String(threads || 2) });
	const con = await db.connect();
	// preserve_insertion_order (the default) keeps the rows in the file's order.
	await con.run(`COPY (SELECT id, ${sums.join(', ')} FROM read_csv(${quote(src)}, header = true))
		TO ${quote(dst)} (HEADER, DELIMITER ',', NULLSTR 'NA')`);
	con.closeSync();
	db.closeSync();
}

main().catch((e) => {
	console.error(e.message || e);
	process.exit(1);
});
