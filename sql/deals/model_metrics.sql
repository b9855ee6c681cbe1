-- name: insert_model_metrics(model_name, model_version, accuracy, precision, recall, f1_score, training_duration, training_samples, validation_samples, hyperparameters, feature_importance, meta_data)<!
-- Record the metrics of a trained model version.
insert into deals.model_metrics (
    model_name, model_version, accuracy, precision, recall, f1_score, training_duration, training_samples,
    validation_samples, hyperparameters, feature_importance, meta_data, created_at
)
values (
    :model_name, :model_version, :accuracy, :precision, :recall, :f1_score, :training_duration, :training_samples,
    :validation_samples, :hyperparameters, :feature_importance, :meta_data, clock_timestamp()
)
returning id, model_name, model_version, accuracy, precision, recall, f1_score, training_duration,
          training_samples, validation_samples, hyperparameters, feature_importance, created_at, meta_data;

-- name: list_latest_model_metrics()
-- The latest metrics of every model, by model name.
select distinct on (model_name)
       id, model_name, model_version, accuracy, precision, recall, f1_score, training_duration,
       training_samples, validation_samples, hyperparameters, feature_importance, created_at, meta_data
from deals.model_metrics
order by model_name, created_at desc, id desc;

-- name: get_latest_model_metrics(model_name)^
-- The latest metrics of one model.
select id, model_name, model_version, accuracy, precision, recall, f1_score, training_duration,
       training_samples, validation_samples, hyperparameters, feature_importance, created_at, meta_data
from deals.model_metrics
where model_name = :model_name
order by created_at desc, id desc
limit 1;

-- name: get_model_metrics_version(model_name, model_version)^
-- The latest metrics of one exact model version.
select id, model_name, model_version, accuracy, precision, recall, f1_score, training_duration,
       training_samples, validation_samples, hyperparameters, feature_importance, created_at, meta_data
from deals.model_metrics
where model_name = :model_name
  and model_version = :model_version
order by created_at desc, id desc
limit 1;
