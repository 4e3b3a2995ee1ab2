"""The C API of libra_measures, declared for ctypes.

Every function this package calls is declared here with its exact argument
and result types (tests/test_bindings.py checks them against the public
headers), so that no call goes through ctypes' default int conversions.

The library is found through the environment variable LIBRA_MEASURES_LIBRARY
(the path of the shared library), else through the system loader, by soname.
"""
import ctypes
import ctypes.util
import os
import sys
from ctypes import (POINTER, Structure, c_char, c_char_p, c_double, c_int, c_long, c_size_t, c_uint, c_ulong)

# The soname major this module is written for (meson.build: soversion). A
# library with another soname has a different ABI and is not loaded.
SOVERSION = 0
# The oldest library version with every function declared below.
MIN_VERSION = (0, 3, 0)

SIZE_MAX = c_size_t(-1).value


# Opaque handles: distinct pointer types, so that passing a scorer where an
# instrument is expected fails in Python instead of in C.
class lm_error(Structure):
    pass


class lm_instrument(Structure):
    pass


class lm_item(Structure):
    pass


class lm_scale(Structure):
    pass


class lm_band(Structure):
    pass


class lm_rule(Structure):
    pass


class lm_scorer(Structure):
    pass


class lm_prepost(Structure):
    pass


class lm_table(Structure):
    pass


class lm_report(Structure):
    pass


class lm_batch(Structure):
    pass


class lm_catalog(Structure):
    pass


class lm_outputs(Structure):
    pass


class lm_writer(Structure):
    pass


class lm_rejects(Structure):
    pass


P = POINTER
_err = P(lm_error)
_inst = P(lm_instrument)
_item = P(lm_item)
_scale = P(lm_scale)
_band = P(lm_band)
_rule = P(lm_rule)
_scorer = P(lm_scorer)
_pp = P(lm_prepost)
_batch = P(lm_batch)
_outs = P(lm_outputs)
_writer = P(lm_writer)
_rejects = P(lm_rejects)

# name: (result type, [argument types]), in header order.
PROTOTYPES = {
    # common.h, version.h
    'lm_strerror': (c_char_p, [c_int]),
    'lm_version_string': (c_char_p, []),
    'lm_version_major': (c_int, []),
    'lm_version_minor': (c_int, []),
    'lm_version_patch': (c_int, []),
    'lm_version_number': (c_int, []),
    # error.h
    'lm_error_new': (c_int, [P(_err)]),
    'lm_error_free': (None, [_err]),
    'lm_error_clear': (None, [_err]),
    'lm_error_count': (c_size_t, [_err]),
    'lm_error_total': (c_size_t, [_err]),
    'lm_error_capacity': (c_size_t, []),
    'lm_error_code': (c_int, [_err, c_size_t]),
    'lm_error_message': (c_char_p, [_err, c_size_t]),
    'lm_error_file': (c_char_p, [_err, c_size_t]),
    'lm_error_line': (c_ulong, [_err, c_size_t]),
    'lm_error_column': (c_ulong, [_err, c_size_t]),
    'lm_error_text': (c_char_p, [_err, c_size_t]),
    # load.h
    'lm_instrument_load_file': (c_int, [P(_inst), c_char_p, _err]),
    'lm_instrument_load_buffer': (c_int, [P(_inst), c_char_p, c_size_t, c_char_p, _err]),
    'lm_instrument_load_builtin': (c_int, [P(_inst), c_char_p, _err]),
    'lm_instrument_load': (c_int, [P(_inst), c_char_p, _err]),
    'lm_instrument_find': (c_int, [P(_inst), c_char_p, _err]),
    'lm_instruments_dir': (c_char_p, []),
    'lm_catalog_new': (c_int, [P(P(lm_catalog)), _err]),
    'lm_catalog_free': (None, [P(lm_catalog)]),
    'lm_catalog_count': (c_size_t, [P(lm_catalog)]),
    'lm_catalog_instrument': (_inst, [P(lm_catalog), c_size_t]),
    'lm_catalog_origin': (c_char_p, [P(lm_catalog), c_size_t]),
    'lm_builtin_count': (c_size_t, []),
    'lm_builtin_id': (c_char_p, [c_size_t]),
    'lm_builtin_yaml': (c_char_p, [c_size_t]),
    # instrument.h
    'lm_instrument_free': (None, [_inst]),
    'lm_instrument_id': (c_char_p, [_inst]),
    'lm_instrument_name': (c_char_p, [_inst]),
    'lm_instrument_version': (c_char_p, [_inst]),
    'lm_instrument_citation': (c_char_p, [_inst]),
    'lm_instrument_terms': (c_char_p, [_inst]),
    'lm_instrument_period': (c_char_p, [_inst]),
    'lm_instrument_source': (c_char_p, [_inst]),
    'lm_instrument_note_count': (c_size_t, [_inst]),
    'lm_instrument_note': (c_char_p, [_inst, c_size_t]),
    'lm_instrument_missing_code_count': (c_size_t, [_inst]),
    'lm_instrument_missing_code_value': (c_double, [_inst, c_size_t]),
    'lm_instrument_missing_code_label': (c_char_p, [_inst, c_size_t]),
    'lm_instrument_item_count': (c_size_t, [_inst]),
    'lm_instrument_item': (_item, [_inst, c_size_t]),
    'lm_instrument_find_item': (c_int, [_inst, c_char_p, P(c_size_t)]),
    'lm_item_id': (c_char_p, [_item]),
    'lm_item_label': (c_char_p, [_item]),
    'lm_item_text': (c_char_p, [_item]),
    'lm_item_reversed': (c_int, [_item]),
    'lm_item_scored': (c_int, [_item]),
    'lm_item_response_count': (c_size_t, [_item]),
    'lm_item_response_value': (c_double, [_item, c_size_t]),
    'lm_item_response_label': (c_char_p, [_item, c_size_t]),
    'lm_instrument_scale_count': (c_size_t, [_inst]),
    'lm_instrument_scale': (_scale, [_inst, c_size_t]),
    'lm_instrument_find_scale': (c_int, [_inst, c_char_p, P(c_size_t)]),
    'lm_scale_id': (c_char_p, [_scale]),
    'lm_scale_label': (c_char_p, [_scale]),
    'lm_scale_method': (c_int, [_scale]),
    'lm_scale_direction': (c_int, [_scale]),
    'lm_scale_item_count': (c_size_t, [_scale]),
    'lm_scale_item': (c_size_t, [_scale, c_size_t]),
    'lm_scale_min_answered': (c_size_t, [_scale]),
    'lm_scale_min': (c_double, [_scale]),
    'lm_scale_max': (c_double, [_scale]),
    'lm_scale_clinical_cutoff': (c_double, [_scale]),
    'lm_scale_norm': (c_double, [_scale, c_int]),
    'lm_scale_norm_source': (c_char_p, [_scale]),
    'lm_scale_note_count': (c_size_t, [_scale]),
    'lm_scale_note': (c_char_p, [_scale, c_size_t]),
    'lm_scale_band_count': (c_size_t, [_scale]),
    'lm_scale_band': (_band, [_scale, c_size_t]),
    'lm_band_id': (c_char_p, [_band]),
    'lm_band_label': (c_char_p, [_band]),
    'lm_band_min': (c_double, [_band]),
    'lm_band_max': (c_double, [_band]),
    'lm_instrument_rule_count': (c_size_t, [_inst]),
    'lm_instrument_rule': (_rule, [_inst, c_size_t]),
    'lm_instrument_find_rule': (c_int, [_inst, c_char_p, P(c_size_t)]),
    'lm_rule_id': (c_char_p, [_rule]),
    'lm_rule_label': (c_char_p, [_rule]),
    'lm_rule_combine': (c_int, [_rule]),
    'lm_rule_condition_count': (c_size_t, [_rule]),
    'lm_rule_condition_scale': (c_size_t, [_rule, c_size_t]),
    'lm_rule_condition_value': (c_double, [_rule, c_size_t]),
    'lm_rule_condition_count_required': (c_size_t, [_rule, c_size_t]),
    # score.h
    'lm_scorer_new': (c_int, [P(_scorer), _inst]),
    'lm_scorer_free': (None, [_scorer]),
    'lm_scorer_instrument': (_inst, [_scorer]),
    'lm_scorer_clear': (None, [_scorer]),
    'lm_scorer_set': (c_int, [_scorer, c_size_t, c_double, _err]),
    'lm_scorer_set_text': (c_int, [_scorer, c_size_t, c_char_p, c_size_t, _err]),
    'lm_scorer_run': (c_int, [_scorer]),
    'lm_scorer_score': (c_int, [_scorer, P(c_double), c_size_t, _err]),
    'lm_scorer_value_state': (c_int, [_scorer, c_size_t]),
    'lm_scorer_value': (c_double, [_scorer, c_size_t]),
    'lm_scorer_scale_score': (c_double, [_scorer, c_size_t]),
    'lm_scorer_scale_answered': (c_size_t, [_scorer, c_size_t]),
    'lm_scorer_scale_coded': (c_size_t, [_scorer, c_size_t]),
    'lm_scorer_scale_status': (c_int, [_scorer, c_size_t]),
    'lm_scorer_scale_band': (c_long, [_scorer, c_size_t]),
    'lm_scorer_rule': (c_int, [_scorer, c_size_t]),
    'lm_score_status_name': (c_char_p, [c_int]),
    # batch.h (0.3): many respondents in one call, from column arrays
    'lm_batch_new': (c_int, [P(_batch), _inst]),
    'lm_batch_free': (None, [_batch]),
    'lm_batch_instrument': (_inst, [_batch]),
    'lm_batch_set_name': (c_int, [_batch, c_char_p]),
    'lm_batch_set_numeric': (c_int, [_batch, c_size_t, P(c_double), c_char_p]),
    'lm_batch_set_integer': (c_int, [_batch, c_size_t, P(c_int), c_int, c_char_p]),
    'lm_batch_set_text': (c_int, [_batch, c_size_t, P(c_char_p), c_char_p]),
    'lm_batch_set_scale_output': (c_int, [_batch, c_size_t, P(c_double), P(c_int), P(c_int), P(c_int)]),
    'lm_batch_set_rule_output': (c_int, [_batch, c_size_t, P(c_int)]),
    'lm_batch_set_rejected_output': (c_int, [_batch, P(c_int)]),
    'lm_batch_set_reject_rows': (c_int, [_batch, c_int]),
    'lm_batch_score': (c_int, [_batch, c_size_t, _err]),
    'lm_batch_rejected_count': (c_size_t, [_batch]),
    # outputs.h
    'lm_outputs_new': (c_int, [P(_outs)]),
    'lm_outputs_free': (None, [_outs]),
    'lm_outputs_add_input': (c_int, [_outs, c_char_p, _err]),
    'lm_outputs_add_input_fd': (c_int, [_outs, c_int, c_char_p, _err]),
    'lm_outputs_add_output': (c_int, [_outs, c_char_p, _err]),
    'lm_outputs_add_output_fd': (c_int, [_outs, c_int, c_char_p, _err]),
    'lm_outputs_commit': (c_int, [_outs, _err]),
    'lm_outputs_staged': (c_size_t, [_outs]),
    'lm_outputs_remove_temporaries': (None, []),
    # number.h
    'lm_number_parse': (c_int, [c_char_p, c_size_t, P(c_double)]),
    'lm_format_number': (c_size_t, [P(c_char), c_size_t, c_double]),
    # prepost.h
    # table.h: the command line's readers (CSV, Qualtrics, REDCap, SPSS, Stata)
    'lm_table_new': (c_int, [P(P(lm_table)), _inst]),
    'lm_table_free': (None, [P(lm_table)]),
    'lm_table_set_id_column': (c_int, [P(lm_table), c_char_p]),
    'lm_table_set_no_id': (c_int, [P(lm_table), c_int]),
    'lm_table_set_prefix': (c_int, [P(lm_table), c_char_p]),
    'lm_table_set_delimiter': (c_int, [P(lm_table), c_char]),
    'lm_table_set_value_labels': (c_int, [P(lm_table), c_int]),
    'lm_table_has_xlsx': (c_int, []),
    'lm_table_set_sheet': (c_int, [P(lm_table), c_char_p]),
    'lm_table_sheet': (c_char_p, [P(lm_table)]),
    'lm_table_add_missing': (c_int, [P(lm_table), c_char_p]),
    'lm_table_read_map': (c_int, [P(lm_table), c_char_p, _err]),
    'lm_table_map_column': (c_int, [P(lm_table), c_char_p, c_char_p, _err]),
    'lm_table_open_file': (c_int, [P(lm_table), c_char_p, _err]),
    'lm_table_next': (c_int, [P(lm_table), _scorer, _err]),
    'lm_table_row_id': (c_char_p, [P(lm_table), P(c_size_t)]),
    'lm_table_require_column': (c_int, [P(lm_table), c_char_p, P(c_size_t)]),
    'lm_table_column_value': (c_char_p, [P(lm_table), c_size_t, P(c_size_t)]),
    'lm_table_case_matches': (c_size_t, [P(lm_table)]),
    'lm_table_column_count': (c_size_t, [P(lm_table)]),
    'lm_table_column_name': (c_char_p, [P(lm_table), c_size_t]),
    'lm_table_id_column': (c_char_p, [P(lm_table)]),
    'lm_table_rows_read': (c_ulong, [P(lm_table)]),
    'lm_table_rows_blank': (c_ulong, [P(lm_table)]),
    'lm_table_rows_rejected': (c_ulong, [P(lm_table)]),
    # writer.h: score writers and rejects files (score_file_to)
    'lm_writer_format_available': (c_int, [c_int]),
    'lm_writer_format_for_path': (c_int, [c_char_p]),
    'lm_writer_open_file': (c_int, [P(_writer), _inst, c_int, c_char_p, _err]),
    'lm_writer_add_column': (c_int, [_writer, c_char_p, _err]),
    'lm_writer_stage': (c_int, [_writer, _outs, _err]),
    'lm_writer_free': (None, [_writer]),
    'lm_writer_records': (c_ulong, [_writer]),
    'lm_rejects_open_file': (c_int, [P(_rejects), P(lm_table), c_char_p, _err]),
    'lm_rejects_stage': (c_int, [_rejects, _outs, _err]),
    'lm_rejects_free': (None, [_rejects]),
    'lm_rejects_records': (c_ulong, [_rejects]),
    # pipeline.h (0.3): a whole table into a writer, on worker threads
    'lm_score_table': (c_int, [P(lm_table), _writer, _rejects, c_uint, P(c_ulong), _err]),
    # report.h
    'lm_report_new': (c_int, [P(P(lm_report)), P(lm_prepost)]),
    'lm_report_free': (None, [P(lm_report)]),
    'lm_report_set_min_cell': (c_int, [P(lm_report), c_ulong]),
    'lm_report_write_file': (c_int, [P(lm_report), c_char_p, _err]),
    'lm_prepost_new': (c_int, [P(_pp), _inst]),
    'lm_prepost_free': (None, [_pp]),
    'lm_prepost_set_id_column': (c_int, [_pp, c_char_p]),
    'lm_prepost_set_group_column': (c_int, [_pp, c_char_p]),
    'lm_prepost_set_duplicates': (c_int, [_pp, c_int]),
    'lm_prepost_set_reliability': (c_int, [_pp, c_double]),
    'lm_prepost_set_rci_sd': (c_int, [_pp, c_double]),
    'lm_prepost_set_delimiter': (c_int, [_pp, c_char]),
    'lm_prepost_set_table_options': (c_int, [_pp, P(lm_table)]),
    'lm_prepost_set_threads': (c_int, [_pp, c_uint]),
    'lm_prepost_run_files': (c_int, [_pp, c_char_p, c_char_p, _err]),
    'lm_prepost_run_long_file': (c_int, [_pp, c_char_p, c_char_p, c_char_p, c_char_p, _err]),
    'lm_prepost_run_batches': (c_int, [_pp, _batch, c_size_t, P(c_char_p), P(c_char_p), _batch, c_size_t,
                                       P(c_char_p), _err]),
    'lm_prepost_count': (c_ulong, [_pp, c_int]),
    'lm_prepost_stat': (c_double, [_pp, c_size_t, c_size_t, c_int]),
    'lm_prepost_stat_reason': (c_char_p, [_pp, c_size_t, c_size_t, c_int]),
    'lm_prepost_reliability_source': (c_int, [_pp, c_size_t]),
    'lm_prepost_all_groups': (c_size_t, []),
    'lm_prepost_group_count': (c_size_t, [_pp]),
    'lm_prepost_group_name': (c_char_p, [_pp, c_size_t]),
    'lm_prepost_compare': (c_double, [_pp, c_size_t, c_int]),
    'lm_prepost_compare_reason': (c_char_p, [_pp, c_size_t, c_int]),
    'lm_prepost_respondent_count': (c_size_t, [_pp]),
    'lm_prepost_respondent_id': (c_char_p, [_pp, c_size_t]),
    'lm_prepost_respondent_group': (c_char_p, [_pp, c_size_t]),
    'lm_prepost_respondent_score': (c_double, [_pp, c_size_t, c_size_t, c_int]),
    'lm_prepost_respondent_band': (c_long, [_pp, c_size_t, c_size_t, c_int]),
    'lm_prepost_respondent_rci': (c_double, [_pp, c_size_t, c_size_t]),
    'lm_prepost_respondent_reliable': (c_int, [_pp, c_size_t, c_size_t]),
    'lm_prepost_respondent_category': (c_int, [_pp, c_size_t, c_size_t]),
    'lm_prepost_set_waves': (c_int, [_pp, P(c_char_p), c_size_t]),
    'lm_prepost_set_cluster_column': (c_int, [_pp, c_char_p]),
    'lm_prepost_keep_column': (c_int, [_pp, c_char_p]),
    'lm_prepost_set_keep_all': (c_int, [_pp, c_int]),
    'lm_prepost_kept_count': (c_size_t, [_pp]),
    'lm_prepost_kept_name': (c_char_p, [_pp, c_size_t]),
    'lm_prepost_respondent_kept': (c_char_p, [_pp, c_size_t, c_size_t]),
    'lm_prepost_format_available': (c_int, [c_int]),
    'lm_prepost_set_reference_group': (c_int, [_pp, c_char_p]),
    'lm_prepost_run_wave_files': (c_int, [_pp, P(c_char_p), c_size_t, _err]),
    'lm_prepost_run_wave_batches': (c_int, [_pp, P(_batch), P(c_size_t), P(c_char_p), P(c_char_p),
                                            P(c_char_p), _err]),
    'lm_prepost_run_wave_long_file': (c_int, [_pp, c_char_p, c_char_p, _err]),
    'lm_prepost_wave_count': (c_size_t, [_pp]),
    'lm_prepost_wave_name': (c_char_p, [_pp, c_size_t]),
    'lm_prepost_wave_tally': (c_ulong, [_pp, c_size_t, c_int]),
    'lm_prepost_wave_stat': (c_double, [_pp, c_size_t, c_size_t, c_size_t, c_int]),
    'lm_prepost_wave_stat_reason': (c_char_p, [_pp, c_size_t, c_size_t, c_size_t, c_int]),
    'lm_prepost_wave_compare': (c_double, [_pp, c_size_t, c_size_t, c_int]),
    'lm_prepost_wave_compare_reason': (c_char_p, [_pp, c_size_t, c_size_t, c_int]),
    'lm_prepost_wave_reliability_source': (c_int, [_pp, c_size_t, c_size_t]),
    'lm_prepost_wave_respondent_count': (c_size_t, [_pp, c_size_t]),
    'lm_prepost_wave_respondent_id': (c_char_p, [_pp, c_size_t, c_size_t]),
    'lm_prepost_wave_respondent_score': (c_double, [_pp, c_size_t, c_size_t, c_size_t, c_int]),
    'lm_prepost_wave_flow': (c_ulong, [_pp, c_size_t, c_size_t, c_int]),
    'lm_prepost_ancova': (c_double, [_pp, c_size_t, c_size_t, c_size_t, c_int]),
    'lm_prepost_ancova_reason': (c_char_p, [_pp, c_size_t, c_size_t, c_size_t, c_int]),
    'lm_prepost_ancova_n': (c_size_t, [_pp, c_size_t, c_size_t]),
    'lm_prepost_ancova_clusters': (c_size_t, [_pp, c_size_t, c_size_t]),
    'lm_prepost_icc_baseline': (c_double, [_pp, c_size_t, c_int]),
    'lm_prepost_icc_baseline_reason': (c_char_p, [_pp, c_size_t, c_int]),
    'lm_prepost_attrition': (c_double, [_pp, c_size_t, c_size_t, c_int]),
    'lm_prepost_attrition_reason': (c_char_p, [_pp, c_size_t, c_size_t, c_int]),
    'lm_prepost_attrition_group': (c_ulong, [_pp, c_size_t, c_size_t, c_size_t, c_int]),
    'lm_prepost_reference_group': (c_size_t, [_pp]),
    'lm_prepost_cluster_count': (c_size_t, [_pp]),
    'lm_prepost_write_file': (c_int, [_pp, c_int, c_char_p, _err]),
    'lm_prepost_write_fd': (c_int, [_pp, c_int, c_int, _err]),
    'lm_prepost_stage_file': (c_int, [_pp, c_int, c_char_p, _outs, _err]),
    'lm_prepost_stage_fd': (c_int, [_pp, c_int, c_int, _outs, _err]),
    'lm_reliable_name': (c_char_p, [c_int]),
    'lm_category_name': (c_char_p, [c_int]),
}

# Enumerations, by value (the headers' enums; tests/test_bindings.py checks
# them). A name's position is its value where the enum counts from 0.
STATUS = {0: 'OK', -1: 'ERROR', -2: 'ENOMEM', -3: 'EINVAL', -4: 'EIO', -5: 'ESYNTAX',
          -6: 'EDEFINITION', -7: 'ENOTFOUND', -8: 'EDATA', -9: 'ELIMIT'}
METHODS = ('sum', 'mean', 'prorated_sum')                                 # enum lm_method
DIRECTIONS = ('unspecified', 'higher_is_worse', 'higher_is_better')       # enum lm_direction
COMBINE = ('all', 'any')                                                  # enum lm_combine
NORMS = ('mean', 'sd', 'reliability', 'n')                                # enum lm_norm
SCORE_STATUS = ('ok', 'prorated', 'insufficient')                         # enum lm_score_status
RULE_VALUES = {0: False, 1: True, -1: None}                               # enum lm_rule_value
DUPLICATES = ('error', 'exclude')                                         # enum lm_duplicates
COUNTS = ('pre_rows', 'post_rows', 'pairs', 'pre_only', 'post_only', 'no_id',
          'duplicate_id', 'other_wave', 'rejected', 'blank')              # enum lm_prepost_count_kind
STATS = ('pre_n', 'pre_mean', 'pre_sd', 'post_n', 'post_mean', 'post_sd',
         'pre_alpha', 'pre_alpha_n', 'post_alpha', 'post_alpha_n',
         'change_n', 'change_mean', 'change_sd', 'change_ci_low', 'change_ci_high',
         't', 'df', 'p', 'dz', 'dav', 'rci_sd', 'rci_reliability', 'rci_sdiff',
         'improved', 'deteriorated', 'unchanged', 'recovered')            # enum lm_prepost_stat_kind
COMPARE = ('difference', 'welch_t', 'df', 'p', 'hedges_g')                # enum lm_prepost_compare_kind
RELIABILITY_SOURCES = ('none', 'override', 'norms', 'alpha_pre')          # enum lm_reliability_source
FLOW = ('baseline_rows', 'wave_rows', 'pairs')                           # enum lm_prepost_flow_kind
ATTRITION = ('completers_n', 'completers_mean', 'completers_sd', 'dropouts_n', 'dropouts_mean',
             'dropouts_sd', 'welch_t', 'df', 'p')                         # enum lm_prepost_attrition_kind
ANCOVA = ('estimate', 'se', 't', 'df', 'p', 'ci_low', 'ci_high')         # enum lm_prepost_ancova_kind
ICC = ('icc', 'design_effect', 'n0', 'clusters', 'n')                   # enum lm_prepost_icc_kind
PREPOST_FORMATS = ('json', 'csv', 'summary', 'xlsx', 'sav', 'dta')        # enum lm_prepost_format
WRITER_FORMATS = ('csv', 'jsonl', 'xlsx', 'sav', 'dta')                   # enum lm_writer_format


def _default_names():
    if sys.platform == 'darwin':
        return ['liblibra_measures.%d.dylib' % SOVERSION]
    if sys.platform == 'win32':
        return ['libra_measures-%d.dll' % SOVERSION, 'liblibra_measures-%d.dll' % SOVERSION]
    return ['liblibra_measures.so.%d' % SOVERSION]


def load_library(path=None):
    """Open the shared library: @p path, else $LIBRA_MEASURES_LIBRARY, else by soname."""
    path = path or os.environ.get('LIBRA_MEASURES_LIBRARY')
    if path:
        candidates = [path]
    else:
        candidates = _default_names()
        found = ctypes.util.find_library('libra_measures')
        if found:
            candidates.append(found)
    problems = []
    for name in candidates:
        try:
            lib = ctypes.CDLL(name)
            break
        except OSError as e:
            problems.append(str(e))
    else:
        raise ImportError('libra_measures: cannot load the C library %s. Install it (meson setup build && '
                          'ninja -C build && meson install -C build, then ldconfig), or set LIBRA_MEASURES_LIBRARY '
                          'to the path of liblibra_measures.so. Tried: %s'
                          % ('liblibra_measures.so.%d' % SOVERSION, '; '.join(problems)))
    missing = []
    for name, (restype, argtypes) in PROTOTYPES.items():
        try:
            fn = getattr(lib, name)
        except AttributeError:
            missing.append(name)
            continue
        fn.restype = restype
        fn.argtypes = argtypes
    if missing:
        raise ImportError('libra_measures: %s lacks %s' % (getattr(lib, '_name', '?'), ', '.join(missing)))
    have = (lib.lm_version_major(), lib.lm_version_minor(), lib.lm_version_patch())
    if have[0] != MIN_VERSION[0] or have < MIN_VERSION:
        raise ImportError('libra_measures: library version %s is not compatible with these bindings (need %d.%d.%d '
                          'or later, same major)' % (lib.lm_version_string().decode(), *MIN_VERSION))
    return lib
