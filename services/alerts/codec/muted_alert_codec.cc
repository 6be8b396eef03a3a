#include "services/alerts/codec/muted_alert_codec.h"

#include "services/alerts/codec/timestamp_codec.h"

namespace sqms::alerts::codec {

::sqms::alerts::v1::MutedAlert MutedAlertToProto(const ports::MutedAlert& muted) {
  ::sqms::alerts::v1::MutedAlert out;
  out.set_fingerprint(muted.fingerprint);
  out.mutable_labels()->insert(muted.alert.labels.begin(), muted.alert.labels.end());
  out.mutable_annotations()->insert(muted.alert.annotations.begin(),
                                    muted.alert.annotations.end());
  out.set_source(muted.alert.source);
  if (IsFinite(muted.alert.at)) ToTimestamp(muted.alert.at, out.mutable_starts_at());
  if (IsFinite(muted.kept_at)) ToTimestamp(muted.kept_at, out.mutable_kept_at());
  for (const ports::MutedAlert::Mute& m : muted.mutes) {
    ::sqms::alerts::v1::MutedAlert::Mute* mute = out.add_mutes();
    mute->set_plan_id(m.plan_id);
    mute->set_silence_id(m.silence_id);
    mute->set_inhibited_by(m.inhibited_by);
  }
  return out;
}

}  // namespace sqms::alerts::codec
