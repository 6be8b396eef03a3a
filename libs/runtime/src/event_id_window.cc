#include "sqms/runtime/event_id_window.h"

#include <utility>

namespace sqms::runtime {

bool EventIdWindow::Contains(std::string_view id) const { return index_.contains(id); }

void EventIdWindow::Add(std::string id) {
  if (capacity_ == 0 || Contains(id)) return;
  if (order_.size() == capacity_) {
    index_.erase(order_.front());
    order_.pop_front();
  }
  // push_back/pop_front on a deque never move the other elements, so the
  // views in index_ stay valid.
  order_.push_back(std::move(id));
  index_.insert(order_.back());
}

}  // namespace sqms::runtime
